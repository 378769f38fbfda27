//! The embedded PostgreSQL supervisor: finds the server binaries, creates a cluster on first
//! run, runs it on a private unix socket and stops it cleanly.
//!
//! The postmaster is our direct child in its own process group (so a terminal's Ctrl-C reaches
//! only Parley, which then shuts the cluster down in order) and is told by the kernel to stop
//! when its parent dies, so a crashed Parley never leaves a cluster behind.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use nix::fcntl::{Flock, FlockArg};
use nix::sys::signal::{Signal, kill};
use nix::unistd::{Gid, Pid, Uid, User};

/// Name of the database superuser the embedded cluster is created with.
pub const SUPERUSER: &str = "parley";
/// Port number used only to name the socket file (no TCP port is opened).
const PORT: u16 = 5432;
/// Longest socket directory path that still leaves room for `/.s.PGSQL.5432` within the
/// kernel's limit of about 107 bytes.
const MAX_SOCKET_DIR_LEN: usize = 90;

/// Why the embedded cluster could not be set up or run.
#[derive(Debug, thiserror::Error)]
pub enum SupervisorError {
    #[error(
        "PostgreSQL server binaries (initdb, postgres) were not found on PATH or under \
         /usr/lib/postgresql/*/bin.\nInstall them (Debian/Ubuntu: `apt-get install postgresql`) \
         or set DATABASE_URL to use an existing PostgreSQL server."
    )]
    BinariesNotFound,
    #[error(
        "running as root, but there is no unprivileged `postgres` or `nobody` user to run the \
         embedded PostgreSQL as (PostgreSQL refuses to run as root)"
    )]
    NoUnprivilegedUser,
    #[error("data directory {dir} is in use by another parley process{pid}")]
    InUse { dir: String, pid: String },
    #[error("{action} failed: {source}")]
    Io {
        action: String,
        #[source]
        source: io::Error,
    },
    #[error("{step} failed (exit status {status}); its output:\n{output}")]
    Command {
        step: &'static str,
        status: String,
        output: String,
    },
    #[error("PostgreSQL did not become ready within {0:?}; its log:\n{1}")]
    NotReady(Duration, String),
}

fn io_err(action: impl Into<String>) -> impl FnOnce(io::Error) -> SupervisorError {
    let action = action.into();
    move |source| SupervisorError::Io { action, source }
}

/// Where the PostgreSQL server programs live.
#[derive(Debug, Clone)]
pub struct Binaries {
    /// `initdb`
    pub initdb: PathBuf,
    /// `postgres`
    pub postgres: PathBuf,
}

impl Binaries {
    /// Looks on PATH first, then under `/usr/lib/postgresql/<version>/bin`, newest first.
    pub fn find() -> Result<Binaries, SupervisorError> {
        let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
            .map(|p| std::env::split_paths(&p).collect())
            .unwrap_or_default();
        let mut versions: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| {
                let version = e.file_name().to_str()?.parse::<u32>().ok()?;
                Some((version, e.path().join("bin")))
            })
            .collect();
        versions.sort_by_key(|v| std::cmp::Reverse(v.0));
        dirs.extend(versions.into_iter().map(|(_, dir)| dir));
        dirs.into_iter()
            .find(|dir| is_executable(&dir.join("initdb")) && is_executable(&dir.join("postgres")))
            .map(|dir| Binaries {
                initdb: dir.join("initdb"),
                postgres: dir.join("postgres"),
            })
            .ok_or(SupervisorError::BinariesNotFound)
    }
}

fn is_executable(path: &Path) -> bool {
    fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// How to run a cluster.
#[derive(Debug, Clone)]
pub struct ClusterOptions {
    /// The cluster's data directory (created on first run).
    pub pg_dir: PathBuf,
    /// Where the server's stderr goes.
    pub log_file: PathBuf,
    /// `false` for throw-away clusters (tests): no fsync, no full-page writes.
    pub durable: bool,
}

/// The machine's memory in MB (512 when it cannot be read).
fn physical_memory_mb() -> u64 {
    // SAFETY: sysconf only reads system configuration.
    let (pages, page_size) = unsafe {
        (
            libc::sysconf(libc::_SC_PHYS_PAGES),
            libc::sysconf(libc::_SC_PAGESIZE),
        )
    };
    match (u64::try_from(pages), u64::try_from(page_size)) {
        (Ok(pages), Ok(size)) if pages > 0 && size > 0 => pages * size / (1024 * 1024),
        _ => 512,
    }
}

/// The OS account the cluster runs as.
#[derive(Debug, Clone, Copy)]
struct RunAs {
    uid: Uid,
    gid: Gid,
}

/// Root may not run PostgreSQL: pick an unprivileged account instead.
fn run_as() -> Result<Option<RunAs>, SupervisorError> {
    if !Uid::effective().is_root() {
        return Ok(None);
    }
    for name in ["postgres", "nobody"] {
        if let Ok(Some(user)) = User::from_name(name) {
            return Ok(Some(RunAs {
                uid: user.uid,
                gid: user.gid,
            }));
        }
    }
    Err(SupervisorError::NoUnprivilegedUser)
}

/// A running cluster. Stopping happens on [`Cluster::stop`] or when dropped.
#[derive(Debug)]
pub struct Cluster {
    child: Option<Child>,
    socket_dir: PathBuf,
    log_file: PathBuf,
}

impl Cluster {
    /// Creates the cluster if `pg_dir` has none, starts it and waits until it accepts connections.
    pub fn start(options: &ClusterOptions) -> Result<Cluster, SupervisorError> {
        let binaries = Binaries::find()?;
        let run_as = run_as()?;
        let pg_dir = absolute(&options.pg_dir)?;
        prepare_dir(&pg_dir, run_as)?;
        if !pg_dir.join("PG_VERSION").exists() {
            init_cluster(&binaries, &pg_dir, run_as, options.durable)?;
        }
        stop_orphan(&pg_dir)?;
        let socket_dir = socket_dir_for(&pg_dir);
        prepare_dir(&socket_dir, run_as)?;

        let log = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&options.log_file)
            .map_err(io_err(format!("opening {}", options.log_file.display())))?;
        let mut command = Command::new(&binaries.postgres);
        command
            .arg("-D")
            .arg(&pg_dir)
            .arg("-k")
            .arg(&socket_dir)
            .args(["-p", &PORT.to_string()])
            .args(["-c", "listen_addresses="])
            .args(["-c", "unix_socket_permissions=0700"])
            .args(["-c", "max_connections=200"]);
        if options.durable {
            // The server's default of 128 MB holds a small share of a real forum's posts;
            // every other read is a copy out of the kernel's cache. A quarter of the
            // memory is the usual size for a server of its own.
            let memory_mb = physical_memory_mb();
            let shared_mb = (memory_mb / 4).clamp(128, 8192);
            command.args(["-c", &format!("shared_buffers={shared_mb}MB")]);
            command.args(["-c", &format!("effective_cache_size={}MB", memory_mb / 2)]);
        } else {
            command.args(["-c", "fsync=off", "-c", "synchronous_commit=off"]);
            command.args(["-c", "full_page_writes=off"]);
        }
        command
            .stdin(Stdio::null())
            .stdout(log.try_clone().map_err(io_err("duplicating log handle"))?)
            .stderr(log)
            .process_group(0);
        as_user(&mut command, run_as);
        // SAFETY: only async-signal-safe work (one prctl call) between fork and exec; it runs
        // after the uid change, which would otherwise clear the parent-death signal.
        unsafe {
            command.pre_exec(|| {
                nix::sys::prctl::set_pdeathsig(Some(Signal::SIGINT)).map_err(io::Error::from)
            });
        }
        let child = command
            .spawn()
            .map_err(io_err(format!("starting {}", binaries.postgres.display())))?;
        let mut cluster = Cluster {
            child: Some(child),
            socket_dir,
            log_file: options.log_file.clone(),
        };
        cluster.wait_ready(&pg_dir, Duration::from_secs(60))?;
        Ok(cluster)
    }

    /// Waits until the postmaster reports "ready" in its pid file, or fails with its log.
    fn wait_ready(&mut self, pg_dir: &Path, timeout: Duration) -> Result<(), SupervisorError> {
        let started = Instant::now();
        let pid_file = pg_dir.join("postmaster.pid");
        let own_pid = self.pid().map(|p| p.to_string());
        loop {
            if let Some(child) = self.child.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                self.child = None;
                return Err(SupervisorError::Command {
                    step: "postgres",
                    status: status.to_string(),
                    output: tail(&self.log_file),
                });
            }
            // Line 1 is the postmaster's pid, line 8 its status (PostgreSQL 10 and later).
            if let Ok(text) = fs::read_to_string(&pid_file) {
                let lines: Vec<&str> = text.lines().collect();
                if lines.first().map(|l| l.trim()) == own_pid.as_deref()
                    && lines.get(7).is_some_and(|l| l.trim() == "ready")
                {
                    return Ok(());
                }
            }
            if started.elapsed() > timeout {
                return Err(SupervisorError::NotReady(timeout, tail(&self.log_file)));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The postmaster's process id while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Directory of the unix socket the cluster listens on.
    pub fn socket_dir(&self) -> &Path {
        &self.socket_dir
    }

    /// A connection URL for `database` as the cluster's superuser.
    pub fn url(&self, database: &str) -> String {
        socket_url(&self.socket_dir, database)
    }

    /// Fast shutdown (`pg_ctl stop -m fast`): disconnect clients, checkpoint, exit.
    pub fn stop(mut self) -> Result<(), SupervisorError> {
        self.shutdown()
    }

    fn shutdown(&mut self) -> Result<(), SupervisorError> {
        let Some(mut child) = self.child.take() else {
            return Ok(());
        };
        let pid = Pid::from_raw(child.id() as i32);
        let _ = kill(pid, Signal::SIGINT);
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            match child.try_wait() {
                Ok(Some(_)) => return Ok(()),
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(20))
                }
                // Fast shutdown hangs only if something is badly wrong: quit immediately.
                Ok(None) => {
                    let _ = kill(pid, Signal::SIGQUIT);
                    let _ = child.wait();
                    return Ok(());
                }
                Err(e) => return Err(io_err("waiting for postgres to stop")(e)),
            }
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if let Err(e) = self.shutdown() {
            tracing::error!("stopping PostgreSQL: {e}");
        }
    }
}

/// A connection URL for a cluster listening on a unix socket in `socket_dir`.
pub fn socket_url(socket_dir: &Path, database: &str) -> String {
    let host = crate::text::percent_encode(&socket_dir.to_string_lossy(), b"");
    format!("postgres://{SUPERUSER}@localhost:{PORT}/{database}?host={host}")
}

/// The socket lives beside the cluster when that path is short enough, otherwise in a
/// directory under /tmp named after the cluster, so it is the same on every start.
pub fn socket_dir_for(pg_dir: &Path) -> PathBuf {
    let beside = pg_dir.with_file_name("run");
    if beside.as_os_str().len() <= MAX_SOCKET_DIR_LEN {
        return beside;
    }
    use sha2::Digest;
    let digest = sha2::Sha256::digest(pg_dir.as_os_str().as_encoded_bytes());
    let short: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
    PathBuf::from(format!("/tmp/parley-{short}"))
}

fn absolute(path: &Path) -> Result<PathBuf, SupervisorError> {
    std::path::absolute(path).map_err(io_err(format!("resolving {}", path.display())))
}

/// Creates `dir` (mode 0700) owned by the account the cluster runs as.
fn prepare_dir(dir: &Path, run_as: Option<RunAs>) -> Result<(), SupervisorError> {
    fs::create_dir_all(dir).map_err(io_err(format!("creating {}", dir.display())))?;
    if let Some(user) = run_as {
        let meta = fs::metadata(dir).map_err(io_err(format!("reading {}", dir.display())))?;
        if meta.uid() != user.uid.as_raw() {
            nix::unistd::chown(dir, Some(user.uid), Some(user.gid)).map_err(|e| {
                io_err(format!("handing {} to the postgres user", dir.display()))(e.into())
            })?;
        }
    }
    fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
        .map_err(io_err(format!("restricting {}", dir.display())))
}

fn as_user(command: &mut Command, run_as: Option<RunAs>) {
    if let Some(user) = run_as {
        command.uid(user.uid.as_raw()).gid(user.gid.as_raw());
        // A cwd the unprivileged user may not enter would make initdb and postgres complain.
        command.current_dir("/");
    }
}

fn init_cluster(
    binaries: &Binaries,
    pg_dir: &Path,
    run_as: Option<RunAs>,
    durable: bool,
) -> Result<(), SupervisorError> {
    let run = |locale: &[&str]| {
        let mut command = Command::new(&binaries.initdb);
        command
            .arg("-D")
            .arg(pg_dir)
            .args(["-U", SUPERUSER, "--auth=trust", "--encoding=UTF8"])
            .args(locale);
        if !durable {
            command.arg("--no-sync");
        }
        as_user(&mut command, run_as);
        command.stdin(Stdio::null()).output()
    };
    // C.UTF-8 gives Unicode-aware lower() for case-insensitive names; not every system has it.
    let mut output = run(&["--locale=C.UTF-8"]).map_err(io_err("running initdb"))?;
    if !output.status.success() {
        clear_dir(pg_dir)?;
        output = run(&["--no-locale"]).map_err(io_err("running initdb"))?;
    }
    if output.status.success() {
        return Ok(());
    }
    // Leave an empty directory, so the next start tries again from scratch.
    clear_dir(pg_dir)?;
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    Err(SupervisorError::Command {
        step: "initdb",
        status: output.status.to_string(),
        output: text,
    })
}

fn clear_dir(dir: &Path) -> Result<(), SupervisorError> {
    for entry in fs::read_dir(dir).map_err(io_err(format!("listing {}", dir.display())))? {
        let path = entry.map_err(io_err("listing"))?.path();
        let removed = if path.is_dir() {
            fs::remove_dir_all(&path)
        } else {
            fs::remove_file(&path)
        };
        removed.map_err(io_err(format!("removing {}", path.display())))?;
    }
    Ok(())
}

/// A postmaster left running on our directory (its parent died in a way the parent-death
/// signal did not cover) is stopped before we start our own.
fn stop_orphan(pg_dir: &Path) -> Result<(), SupervisorError> {
    let Ok(text) = fs::read_to_string(pg_dir.join("postmaster.pid")) else {
        return Ok(());
    };
    let Some(pid) = text
        .lines()
        .next()
        .and_then(|l| l.trim().parse::<i32>().ok())
    else {
        return Ok(());
    };
    let pid = Pid::from_raw(pid);
    if !is_postgres(pid) {
        return Ok(());
    }
    tracing::warn!(%pid, "stopping a PostgreSQL server left running on the data directory");
    let _ = kill(pid, Signal::SIGINT);
    let deadline = Instant::now() + Duration::from_secs(30);
    while is_postgres(pid) {
        if Instant::now() > deadline {
            let _ = kill(pid, Signal::SIGQUIT);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(())
}

fn is_postgres(pid: Pid) -> bool {
    fs::read(format!("/proc/{pid}/cmdline")).is_ok_and(|cmd| {
        cmd.split(|b| *b == 0)
            .next()
            .is_some_and(|arg0| arg0.ends_with(b"postgres"))
    })
}

fn tail(path: &Path) -> String {
    let mut text = String::new();
    if let Ok(mut file) = File::open(path) {
        let len = file.metadata().map(|m| m.len()).unwrap_or(0);
        let _ = file.seek(io::SeekFrom::Start(len.saturating_sub(4000)));
        let _ = file.read_to_string(&mut text);
    }
    text
}

/// An exclusive claim on a data directory, held for as long as the value lives.
#[derive(Debug)]
pub struct DataDirLock {
    _lock: Flock<File>,
}

impl DataDirLock {
    /// Claims `data_dir` (creating it), or says which process holds it.
    pub fn acquire(data_dir: &Path) -> Result<DataDirLock, SupervisorError> {
        fs::create_dir_all(data_dir).map_err(io_err(format!("creating {}", data_dir.display())))?;
        let path = data_dir.join("parley.lock");
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)
            .map_err(io_err(format!("opening {}", path.display())))?;
        match Flock::lock(file, FlockArg::LockExclusiveNonblock) {
            Ok(mut lock) => {
                lock.set_len(0).map_err(io_err("writing the lock file"))?;
                lock.rewind().map_err(io_err("writing the lock file"))?;
                write!(lock, "{}", std::process::id()).map_err(io_err("writing the lock file"))?;
                Ok(DataDirLock { _lock: lock })
            }
            Err((_, _)) => {
                let pid = fs::read_to_string(&path)
                    .ok()
                    .map(|p| p.trim().to_string())
                    .filter(|p| !p.is_empty())
                    .map(|p| format!(" (pid {p})"))
                    .unwrap_or_default();
                Err(SupervisorError::InUse {
                    dir: data_dir.display().to_string(),
                    pid,
                })
            }
        }
    }

    /// True when some process holds the lock on `data_dir` right now.
    pub fn is_held(data_dir: &Path) -> bool {
        let Ok(file) = File::open(data_dir.join("parley.lock")) else {
            return false;
        };
        Flock::lock(file, FlockArg::LockSharedNonblock).is_err()
    }
}
