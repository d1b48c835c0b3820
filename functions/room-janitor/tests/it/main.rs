//! Integration tests of the room janitor against the real local IVS Chat service over HTTP:
//! the sweep through the SDK client (a seeded mix of rooms, faults, the time budget, logging
//! configurations), and the real binary hosted by the service and invoked with the sample
//! events.

mod faults;
mod hosted_function;
mod logging_configurations;
mod policy_mix;
mod support;
mod time_budget;
