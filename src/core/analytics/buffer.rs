//! The isolate's click buffer (DESIGN.md §3 step 5): a redirect adds its
//! click here and does nothing else; one flush per window hands everything
//! buffered to the queue.
//!
//! The first click into a buffer with no open window opens one, and its
//! request schedules the flush (`Added::OpenedWindow`); later clicks join
//! it. A buffer grown past [`FULL_BYTES`] is flushed at once by the click
//! that filled it (`Added::Full`), while the window stays open for what
//! comes next. [`ClickBuffer::close_window`] takes everything and closes the
//! window, so the next click opens a new one with a flush of its own: no
//! flush outlives its window by more than its own send.

use super::aggregate::LinkHours;
use super::ClickEvent;
use crate::core::time::UnixMillis;

/// How long a window stays open: at most a second between a click and its
/// hand-off to the queue.
pub const WINDOW_MILLIS: i64 = 1_000;
/// A buffer this large (estimated encoded bytes) is flushed at once: a queue
/// message is billed per 64 KB, and this keeps one flush within one message.
pub const FULL_BYTES: usize = 48_000;
/// A window open this long lost its flush (the runtime cancelled it): the
/// next click opens a new one rather than waiting forever.
const ABANDONED_MILLIS: i64 = 10_000;
/// Encoded bytes a new (link, hour) bucket costs, beyond the link id:
/// eight counters and a one-entry sketch (`store::click_queue`).
const NEW_BUCKET_BYTES: usize = 190;
/// Encoded bytes one more click in an existing bucket costs at most: a
/// sketch entry, or a counter value seen for the first time.
const MORE_BYTES: usize = 16;

/// What adding a click asks of the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Added {
    /// This click opened the window: schedule a flush at its end.
    OpenedWindow,
    /// A flush is already scheduled and will carry this click.
    Joined,
    /// The buffer is full: take it and flush it now.
    Full,
}

#[derive(Debug, Default)]
pub struct ClickBuffer {
    clicks: LinkHours,
    bytes: usize,
    window_opened: Option<UnixMillis>,
}

impl ClickBuffer {
    pub fn add(&mut self, link_id: &str, event: &ClickEvent, now: UnixMillis) -> Added {
        self.bytes += if self.clicks.has_bucket(link_id, event.hour()) {
            MORE_BYTES
        } else {
            NEW_BUCKET_BYTES + link_id.len()
        };
        self.clicks.add(link_id, event);
        match self.window_opened {
            Some(opened) if now.0 - opened.0 < ABANDONED_MILLIS => {
                if self.bytes >= FULL_BYTES {
                    Added::Full
                } else {
                    Added::Joined
                }
            }
            _ => {
                self.window_opened = Some(now);
                Added::OpenedWindow
            }
        }
    }

    /// Everything buffered, for a flush that cannot wait: the window, if
    /// open, stays open for the clicks that follow.
    pub fn take(&mut self) -> LinkHours {
        self.bytes = 0;
        std::mem::take(&mut self.clicks)
    }

    /// Everything buffered at the end of the window, which closes.
    pub fn close_window(&mut self) -> LinkHours {
        self.window_opened = None;
        self.take()
    }

    pub fn is_empty(&self) -> bool {
        self.clicks.is_empty()
    }
}

#[cfg(test)]
mod tests;
