//! The tests' fake Kubernetes API server, standalone: point kubectl (or
//! `pipec apply`) at it without a cluster.
//!
//! ```text
//! cargo run --example fake-apiserver -- [--port N] [--kubeconfig PATH] [--namespace NS] [--tick-ms MS]
//! kubectl --kubeconfig PATH apply --server-side -f out.yaml
//! ```
//!
//! It serves plain HTTP on 127.0.0.1 only and runs until interrupted. Faults
//! and pod outcomes are scripted over HTTP: `POST /fake/faults`,
//! `POST /fake/script`, `GET /fake/state` (tests/support/fake_apiserver/mod.rs).

#[path = "../tests/support/fake_apiserver/mod.rs"]
mod fake_apiserver;

use std::time::Duration;

fn main() {
    let mut config = fake_apiserver::Config::default();
    let mut kubeconfig = std::env::temp_dir().join("pipec-fake-apiserver.kubeconfig");
    let mut namespace = "default".to_string();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| usage(&format!("{arg} needs a value")));
        match arg.as_str() {
            "--port" => config.port = value().parse().unwrap_or_else(|_| usage("--port takes a number")),
            "--kubeconfig" => kubeconfig = value().into(),
            "--namespace" => namespace = value(),
            "--tick-ms" => {
                config.tick =
                    Duration::from_millis(value().parse().unwrap_or_else(|_| usage("--tick-ms takes a number")))
            }
            "-h" | "--help" => usage(""),
            other => usage(&format!("unknown argument `{other}`")),
        }
    }
    let server = match fake_apiserver::FakeApiServer::start_with(config) {
        Ok(server) => server,
        Err(e) => {
            eprintln!("fake-apiserver: cannot listen on 127.0.0.1: {e}");
            std::process::exit(1);
        }
    };
    if let Err(e) = server.write_kubeconfig(&kubeconfig, &namespace) {
        eprintln!("fake-apiserver: cannot write {}: {e}", kubeconfig.display());
        std::process::exit(1);
    }
    println!("fake API server on {}", server.url());
    println!("kubeconfig: {}", kubeconfig.display());
    loop {
        std::thread::sleep(Duration::from_secs(3600));
    }
}

fn usage(problem: &str) -> ! {
    if !problem.is_empty() {
        eprintln!("fake-apiserver: {problem}");
    }
    eprintln!(
        "usage: cargo run --example fake-apiserver -- [--port N] [--kubeconfig PATH] [--namespace NS] [--tick-ms MS]"
    );
    std::process::exit(2);
}
