//! The receiver's load generator for `bench/receiver.sh` (a benchmark, not a test): starts the
//! given receiver binary on 127.0.0.1 on a fresh SQLite file, or `LOAD_INSTANCES` receivers
//! (default 1) on the PostgreSQL database `LOAD_DATABASE` names, sends submissions the
//! widget's own core made (round robin over the receivers, as a load balancer would), bounded
//! in count and time, and prints submissions per second and latency percentiles; then kills
//! every receiver with SIGKILL and counts what `export` finds, to show every acknowledged
//! submission was durable.
//!
//!   [LOAD_DATABASE=postgres://…] [LOAD_INSTANCES=2] load RECEIVER_BIN [RATE_PER_S] [SECONDS] [CONCURRENCY] [COUNT]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

// The tests' own visitor (ids, answers, the body the widget sends), so the benchmark and the
// tests send one kind of submission from one definition; by path, as an example cannot import
// from a test crate.
#[path = "../tests/api/helpers/visitor.rs"]
mod visitor;

/// `count` submissions of a typical visitor, each under its own id: (id, body).
fn bodies(count: usize) -> Vec<(String, String)> {
    let a = visitor::typical_answers();
    (0..count).map(|_| visitor::body_with(&a)).collect()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn report(name: &str, mut lat: Vec<Duration>, elapsed: Duration, failures: usize) {
    lat.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{name}: {} acknowledged (201) in {:.2} s = {:.0} submissions/s; latency p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms; {failures} failed",
        lat.len(),
        elapsed.as_secs_f64(),
        lat.len() as f64 / elapsed.as_secs_f64(),
        ms(percentile(&lat, 0.50)),
        ms(percentile(&lat, 0.90)),
        ms(percentile(&lat, 0.99)),
        ms(*lat.last().unwrap()),
    );
}

async fn post(http: &reqwest::Client, url: &str, id: &str, body: &str) -> bool {
    let res = http
        .post(url)
        .header("content-type", "application/json")
        .header("idempotency-key", id)
        .body(body.to_owned())
        .send()
        .await;
    matches!(res, Ok(r) if r.status() == 201)
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let bin = args
        .get(1)
        .expect("usage: load RECEIVER_BIN [RATE] [SECONDS] [CONCURRENCY] [COUNT]")
        .clone();
    let num = |i: usize, default: u64| args.get(i).map_or(default, |v| v.parse().unwrap());
    let (rate, seconds, concurrency, count) = (num(2, 300), num(3, 10), num(4, 32), num(5, 3000));
    let dir = tempfile::tempdir().unwrap();
    let db = std::env::var("LOAD_DATABASE")
        .unwrap_or_else(|_| format!("sqlite://{}/data/receiver.db", dir.path().display()));
    let instances: usize = std::env::var("LOAD_INSTANCES").map_or(1, |v| v.parse().unwrap());
    let mut children = Vec::new();
    let mut urls = Vec::new();
    for _ in 0..instances {
        let (child, url) = start(&bin, &db);
        children.push(child);
        urls.push(url);
    }
    run(
        &bin,
        &db,
        children,
        urls,
        (rate, seconds, concurrency, count),
    )
    .await;
}

fn start(bin: &str, db: &str) -> (std::process::Child, String) {
    let mut child = Command::new(bin)
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--log-format",
            "json",
            "--database",
            db,
        ])
        .env("RUST_LOG", "warn,consultation_receiver=info")
        // Throughput, not the brakes on one address (tests/api/abuse.rs attacks those).
        .env("CONSULTATION_INTAKE_RATE", "off")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("start the receiver");
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let address = loop {
        let line = lines.next().expect("receiver output").unwrap();
        let doc: serde_json::Value = serde_json::from_str(&line).unwrap_or_default();
        if doc["message"] == "listening" {
            break doc["address"].as_str().unwrap().to_owned();
        }
    };
    // Keep draining its log so it never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, format!("http://{address}/submissions"))
}

async fn run(
    bin: &str,
    db: &str,
    children: Vec<std::process::Child>,
    urls: Vec<String>,
    (rate, seconds, concurrency, count): (u64, u64, u64, u64),
) {
    let urls = Arc::new(urls);
    let pick = |k: usize| urls[k % urls.len()].clone();
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(256)
        .build()
        .unwrap();

    let total = (rate * seconds) as usize + count as usize + 200;
    println!(
        "preparing {total} submissions with the core (Summary::json), {} bytes each",
        bodies(1)[0].1.len()
    );
    let all = Arc::new(bodies(total));
    let mut next = 0usize;

    // Warm-up: 200, not counted.
    for (k, (id, body)) in all[..200].iter().enumerate() {
        assert!(post(&http, &pick(k), id, body).await, "warm-up refused");
    }
    next += 200;

    // 1. Open loop: a fixed rate, each request timed from when it was due (so a slow answer
    //    cannot hide the queue behind it).
    let n = (rate * seconds) as usize;
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(n);
    for i in 0..n {
        let due = start + Duration::from_secs_f64(i as f64 / rate as f64);
        tokio::time::sleep_until(due.into()).await;
        let k = next + i;
        let (http, url, all) = (http.clone(), pick(k), all.clone());
        tasks.push(tokio::spawn(async move {
            let ok = post(&http, &url, &all[k].0, &all[k].1).await;
            (ok, due.elapsed())
        }));
    }
    let mut lat = Vec::new();
    let mut failed = 0;
    for t in tasks {
        let (ok, d) = t.await.unwrap();
        if ok {
            lat.push(d)
        } else {
            failed += 1
        }
    }
    report(
        &format!("open loop at {rate}/s for {seconds} s"),
        lat,
        start.elapsed(),
        failed,
    );
    next += n;

    // 2. Closed loop: `concurrency` clients sending back to back, `count` in all.
    let count = count as usize;
    let from = next;
    let start = Instant::now();
    let counter = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut clients = Vec::new();
    for _ in 0..concurrency {
        let (http, urls, all, counter) = (http.clone(), urls.clone(), all.clone(), counter.clone());
        clients.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            loop {
                let i = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= count {
                    return mine;
                }
                let t = Instant::now();
                let url = &urls[i % urls.len()];
                let ok = post(&http, url, &all[from + i].0, &all[from + i].1).await;
                mine.push((ok, t.elapsed()));
            }
        }));
    }
    let mut lat = Vec::new();
    let mut failed = 0;
    for c in clients {
        for (ok, d) in c.await.unwrap() {
            if ok {
                lat.push(d)
            } else {
                failed += 1
            }
        }
    }
    let acknowledged = 200 + n + count - failed;
    report(
        &format!("closed loop, {concurrency} clients, {count} submissions"),
        lat,
        start.elapsed(),
        failed,
    );

    // Durable: no goodbye, then count what a fresh process reads from the file.
    for mut child in children {
        child.kill().unwrap();
        child.wait().unwrap();
    }
    let out = Command::new(bin)
        .args(["export", "--database", db])
        .output()
        .unwrap();
    let stored = String::from_utf8_lossy(&out.stdout).lines().count();
    println!(
        "after kill -9: {stored} stored, {acknowledged} acknowledged (durable: {})",
        stored >= acknowledged
    );
    if stored < acknowledged {
        std::process::exit(1);
    }
}
