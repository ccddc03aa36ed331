//! Delivers engine events to every subscriber (UI, CLI, tests) and wakes them.

use std::sync::Mutex;
use std::sync::mpsc::{Receiver, Sender, channel};

use super::Event;

/// Called after an event is queued for a subscriber (the UI passes a repaint request).
pub type Waker = Box<dyn Fn() + Send + Sync>;

struct Subscriber {
    sender: Sender<Event>,
    waker: Option<Waker>,
}

/// The list of subscribers.
#[derive(Default)]
pub struct EventBus {
    subscribers: Mutex<Vec<Subscriber>>,
}

impl EventBus {
    /// Adds a subscriber; events published from now on reach the returned receiver.
    pub fn subscribe(&self, waker: Option<Waker>) -> Receiver<Event> {
        let (sender, receiver) = channel();
        self.lock().push(Subscriber { sender, waker });
        receiver
    }

    /// Sends `event` to every subscriber still listening.
    pub fn publish(&self, event: Event) {
        let mut subscribers = self.lock();
        subscribers.retain(|subscriber| {
            let delivered = subscriber.sender.send(event.clone()).is_ok();
            if delivered && let Some(waker) = &subscriber.waker {
                waker();
            }
            delivered
        });
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Subscriber>> {
        self.subscribers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
