//! A connection's outgoing queue: the hub and the session push frames, the connection's
//! writer takes everything queued at once.
//!
//! Cheaper per frame than a channel: a fan-out pushes one frame to each of a room's
//! connections, so each push is one short uncontended lock and, only when the queue was
//! empty, one wake-up of the writer; the writer takes the whole backlog under one lock.

use std::collections::VecDeque;
use std::future::poll_fn;
use std::task::Poll;

use futures_util::task::AtomicWaker;
use parking_lot::Mutex;

use super::hub::Outbound;

/// Frames waiting for one connection's writer, in the order they were pushed.
#[derive(Default)]
pub struct Outbox {
    queue: Mutex<Queue>,
    writer: AtomicWaker,
}

#[derive(Default)]
struct Queue {
    frames: VecDeque<Outbound>,
    /// Nothing more will be written: pushes are dropped, the writer ends once drained.
    closed: bool,
}

impl Outbox {
    /// Queues a frame; never waits. A frame pushed after `close` is dropped, as a send on a
    /// channel whose receiver is gone would be.
    pub fn push(&self, outbound: Outbound) {
        let mut queue = self.queue.lock();
        if queue.closed {
            return;
        }
        queue.frames.push_back(outbound);
        let was_empty = queue.frames.len() == 1;
        drop(queue);
        // A non-empty queue already has its wake-up pending.
        if was_empty {
            self.writer.wake();
        }
    }

    /// No more frames: the writer ends after those already queued.
    pub fn close(&self) {
        self.queue.lock().closed = true;
        self.writer.wake();
    }

    /// Closes and drops whatever is queued (the connection can no longer be written to).
    pub fn abandon(&self) {
        let mut queue = self.queue.lock();
        queue.closed = true;
        queue.frames.clear();
    }

    /// Waits for frames and moves all of them into `batch` (which the caller has emptied);
    /// `false` once the outbox is closed and drained.
    pub async fn take_all(&self, batch: &mut VecDeque<Outbound>) -> bool {
        poll_fn(|cx| {
            if let Some(ready) = self.try_take_all(batch) {
                return Poll::Ready(ready);
            }
            self.writer.register(cx.waker());
            // A push between the check and the registration would have found no waker.
            match self.try_take_all(batch) {
                Some(ready) => Poll::Ready(ready),
                None => Poll::Pending,
            }
        })
        .await
    }

    fn try_take_all(&self, batch: &mut VecDeque<Outbound>) -> Option<bool> {
        let mut queue = self.queue.lock();
        if !queue.frames.is_empty() {
            std::mem::swap(&mut queue.frames, batch);
            Some(true)
        } else if queue.closed {
            Some(false)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::extract::ws::Utf8Bytes;
    use std::sync::Arc;

    fn texts(batch: &VecDeque<Outbound>) -> Vec<&str> {
        batch
            .iter()
            .map(|outbound| match outbound {
                Outbound::Frame(text) => text.as_str(),
                Outbound::Close(..) => "close",
            })
            .collect()
    }

    #[tokio::test]
    async fn the_writer_takes_frames_in_order_then_ends_after_close() {
        let outbox = Arc::new(Outbox::default());
        outbox.push(Outbound::Frame(Utf8Bytes::from("a")));
        outbox.push(Outbound::Frame(Utf8Bytes::from("b")));
        let mut batch = VecDeque::new();
        assert!(outbox.take_all(&mut batch).await);
        assert_eq!(texts(&batch), ["a", "b"]);
        batch.clear();

        let pusher = Arc::clone(&outbox);
        let writer = tokio::spawn(async move {
            let mut batch = VecDeque::new();
            let mut seen = Vec::new();
            while outbox.take_all(&mut batch).await {
                seen.extend(texts(&batch).into_iter().map(str::to_owned));
                batch.clear();
            }
            seen
        });
        tokio::task::yield_now().await;
        pusher.push(Outbound::Frame(Utf8Bytes::from("c")));
        pusher.push(Outbound::Close(1000, "bye".into()));
        pusher.close();
        pusher.push(Outbound::Frame(Utf8Bytes::from("dropped")));
        assert_eq!(writer.await.ok(), Some(vec!["c".into(), "close".into()]));
    }
}
