//! CPU time of one link-password verify (PBKDF2-HMAC-SHA256 at the stored
//! iteration count): the cost of every password form post and every
//! `X-Link-Password` request, which must stay well under Workers' CPU limit.
//! Reports the median of 50. Run: `cargo bench --bench password_verify`.

// A benchmark is no request path: a panic here only stops the run.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use smartlinks::core::password::{PasswordHash, ITERATIONS, SALT_BYTES};

const RUNS: usize = 50;

fn main() {
    let hash = PasswordHash::derive("correct horse battery staple", &[42; SALT_BYTES]);
    assert!(hash.verify("correct horse battery staple"));
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            black_box(black_box(&hash).verify(black_box("wrong guess")));
            start.elapsed()
        })
        .collect();
    times.sort();
    println!(
        "password verify, {ITERATIONS} iterations: median {:.2} ms, min {:.2} ms (native)",
        times[RUNS / 2].as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3
    );
}
