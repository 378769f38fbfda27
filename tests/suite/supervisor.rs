//! `parley serve` as an operator runs it: the embedded cluster starts, restarts on its
//! existing data, refuses a second instance and leaves no process behind.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `parley serve` on the embedded cluster in `data_dir`, answering on `port`.
pub(crate) fn serve_command(data_dir: &Path, port: u16) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_parley"));
    command
        .arg("serve")
        .env("PARLEY_DATA_DIR", data_dir)
        .env("PARLEY_BIND", format!("127.0.0.1:{port}"))
        .env("PARLEY_CONFIG", "/nonexistent/parley.toml")
        .env_remove("DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    command
}

fn serve(data_dir: &Path, port: u16) -> Child {
    serve_command(data_dir, port).spawn().unwrap()
}

/// Polls `/healthz` until it answers 200; returns how long that took.
pub(crate) async fn wait_healthy(port: u16, child: &mut Child) -> Duration {
    let started = Instant::now();
    let client = reqwest::Client::new();
    loop {
        if let Ok(r) = client
            .get(format!("http://127.0.0.1:{port}/healthz"))
            .send()
            .await
            && r.status() == 200
        {
            return started.elapsed();
        }
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            use std::io::Read;
            if let Some(mut stderr) = child.stderr.take() {
                stderr.read_to_string(&mut err).unwrap();
            }
            panic!("parley exited with {status}: {err}");
        }
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "parley never became healthy"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

pub(crate) fn postmaster_pid(data_dir: &Path) -> i32 {
    let text = std::fs::read_to_string(data_dir.join("pg/postmaster.pid")).unwrap();
    text.lines().next().unwrap().trim().parse().unwrap()
}

fn alive(pid: i32) -> bool {
    // A zombie still has a /proc entry; look at its state.
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .is_ok_and(|stat| stat.split_whitespace().nth(2).is_none_or(|s| s != "Z"))
}

pub(crate) async fn wait_gone(pid: i32) {
    let started = Instant::now();
    while alive(pid) {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "postgres {pid} is still running"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

pub(crate) fn data_dir() -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix("parley-serve-")
        .tempdir_in("/tmp")
        .unwrap();
    // Running as root, the cluster runs as an unprivileged user who must reach inside.
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

#[actix_web::test]
async fn serve_starts_restarts_refuses_a_second_instance_and_cleans_up() {
    let dir = data_dir();
    let data = dir.path().join("data");
    let port = free_port();

    let mut first = serve(&data, port);
    let fresh = wait_healthy(port, &mut first).await;
    let pg = postmaster_pid(&data);
    assert!(alive(pg));

    // A second serve on the same data directory says so and exits.
    let second = serve(&data, free_port()).wait_with_output().unwrap();
    assert!(!second.status.success());
    let message = String::from_utf8_lossy(&second.stderr);
    assert!(
        message.contains("is in use by another parley process"),
        "{message}"
    );
    assert!(
        alive(pg),
        "the refused instance must not disturb the running cluster"
    );

    // SIGTERM: stop serving, stop the cluster, exit cleanly.
    kill(Pid::from_raw(first.id() as i32), Signal::SIGTERM).unwrap();
    let status = first.wait().unwrap();
    assert!(status.success(), "{status}");
    wait_gone(pg).await;
    assert!(
        !data.join("pg/postmaster.pid").exists(),
        "the cluster was shut down cleanly"
    );

    // Restart on the existing data directory.
    let mut again = serve(&data, port);
    let existing = wait_healthy(port, &mut again).await;
    eprintln!(
        "serve answered /healthz after {fresh:?} on a fresh data dir, {existing:?} on an existing one"
    );
    assert!(
        existing < Duration::from_secs(3),
        "restart took {existing:?}"
    );

    // Even a parley killed outright leaves no PostgreSQL behind.
    let pg = postmaster_pid(&data);
    kill(Pid::from_raw(again.id() as i32), Signal::SIGKILL).unwrap();
    again.wait().unwrap();
    wait_gone(pg).await;

    // And the next start recovers the cluster.
    let mut last = serve(&data, port);
    wait_healthy(port, &mut last).await;
    let pg = postmaster_pid(&data);
    kill(Pid::from_raw(last.id() as i32), Signal::SIGINT).unwrap();
    assert!(last.wait().unwrap().success());
    wait_gone(pg).await;
}

#[actix_web::test]
async fn an_unreachable_database_url_is_a_clear_error_not_a_hang() {
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_parley"))
        .arg("migrate")
        .env(
            "DATABASE_URL",
            "postgres://parley@localhost/parley?host=/nonexistent-socket-dir",
        )
        .env("PARLEY_CONFIG", "/nonexistent/parley.toml")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let message = String::from_utf8_lossy(&out.stderr);
    assert!(
        message.contains("cannot reach the database after 10 attempts"),
        "{message}"
    );
    assert!(started.elapsed() < Duration::from_secs(60));
}

#[actix_web::test]
async fn sigterm_stops_serve_within_ten_seconds_even_with_a_stuck_request() {
    use std::io::Write;
    let dir = data_dir();
    let data = dir.path().join("data");
    let port = free_port();
    let mut child = serve(&data, port);
    wait_healthy(port, &mut child).await;
    let pg = postmaster_pid(&data);
    // A form that never finishes arriving holds its request open.
    let mut stuck = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    stuck
        .write_all(
            b"POST /login HTTP/1.1\r\nHost: localhost\r\n\
              Content-Type: application/x-www-form-urlencoded\r\n\
              Content-Length: 100000\r\n\r\nusername=",
        )
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let asked = Instant::now();
    kill(Pid::from_raw(child.id() as i32), Signal::SIGTERM).unwrap();
    let status = child.wait().unwrap();
    let took = asked.elapsed();
    assert!(status.success(), "{status}");
    assert!(
        took < Duration::from_secs(10),
        "serve took {took:?} to stop"
    );
    wait_gone(pg).await;
    drop(stuck);
}
