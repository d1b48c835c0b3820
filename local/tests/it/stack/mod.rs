//! `ivschat-local up` and what it serves beside the service: the stack from a template, and the
//! web console.

mod console;
mod up;
