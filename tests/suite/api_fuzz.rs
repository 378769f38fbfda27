//! Schemathesis, a fuzzer driven by the API's own OpenAPI description, against the running
//! server: every documented route answers only as documented (status, content type,
//! headers, body schema) and never with a 5xx, for well-formed and malformed requests,
//! with a token that may read, write and moderate.
//!
//! Schemathesis comes from PyPI into a virtual environment kept beside the build
//! (installed on first use, pinned below).

use std::path::PathBuf;
use std::process::Command;

use crate::common::TestApp;
use parley::accounts::api_tokens::{self, Scope, TokenRequest};
use parley::accounts::types::Role;
use parley::api::ApiDoc;
use utoipa::OpenApi;

/// The fuzzer's version: a new one may find new things, so it changes on purpose only.
const SCHEMATHESIS: &str = "schemathesis==4.32.5";

/// The `schemathesis` program, installed into its own environment when missing.
fn schemathesis() -> PathBuf {
    let home = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("schemathesis-4.32.5");
    let program = home.join("bin").join("schemathesis");
    if !program.exists() {
        install(&home);
    }
    // See ast_lock.py: written on every run, so an environment made before it has it too.
    let lib = std::fs::read_dir(home.join("lib"))
        .expect("the environment's lib")
        .filter_map(Result::ok)
        .find(|e| e.file_name().to_string_lossy().starts_with("python"))
        .expect("a python folder")
        .path()
        .join("site-packages");
    std::fs::write(lib.join("parley_ast_lock.py"), include_str!("ast_lock.py")).expect("write");
    std::fs::write(lib.join("parley_ast_lock.pth"), "import parley_ast_lock\n").expect("write");
    program
}

/// Makes a virtual environment at `home` with schemathesis in it.
fn install(home: &std::path::Path) {
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let made = Command::new(&python)
        .args(["-m", "venv"])
        .arg(home)
        .status()
        .unwrap_or_else(|e| panic!("{python} -m venv: {e}; Python 3 with venv is needed"));
    assert!(made.success(), "{python} -m venv {} failed", home.display());
    let installed = Command::new(home.join("bin").join("pip"))
        .args([
            "install",
            "--quiet",
            "--disable-pip-version-check",
            SCHEMATHESIS,
        ])
        .status()
        .expect("pip runs");
    assert!(
        installed.success(),
        "pip install {SCHEMATHESIS} failed: PyPI must be reachable on first use"
    );
}

#[actix_web::test]
async fn every_documented_route_keeps_to_its_description_under_fuzzing() {
    let program = actix_web::rt::task::spawn_blocking(schemathesis)
        .await
        .expect("installing schemathesis");
    let app = TestApp::spawn().await;
    let forum = app.forum("calls").await;
    let karen = app.account("karen", Role::Member).await;
    let (thread, _) = app
        .thread(forum, karen, "Escalations", "When do you escalate a call?")
        .await;
    app.reply(thread, karen, "After the second transfer.").await;
    let mona = app.account("mona", Role::Moderator).await;
    let token = api_tokens::create(
        &mut *app.conn().await,
        mona,
        &TokenRequest {
            name: "fuzzer",
            scopes: &[Scope::Read, Scope::Write, Scope::Moderate],
            expires_at: None,
        },
    )
    .await
    .expect("token");
    let report = tempfile::tempdir().expect("report dir");
    let mut command = Command::new(program);
    command
        .arg("run")
        .arg(format!("{}/api/v1/openapi.json", app.base))
        .args(["--url", &app.base])
        .args(["--header", &format!("Authorization: Bearer {token}")])
        .args([
            "--checks",
            "not_a_server_error,status_code_conformance,content_type_conformance,\
             response_headers_conformance,response_schema_conformance",
        ])
        .args(["--phases", "examples,coverage,fuzzing"])
        .args([
            "--max-examples",
            "100",
            "--seed",
            "20261207",
            "--workers",
            "2",
        ])
        .args(["--generation-database", "none", "--no-color"])
        .arg("--report-dir")
        .arg(report.path())
        .env("SCHEMATHESIS_HOOKS", "")
        .env("NO_COLOR", "1");
    let output = actix_web::rt::task::spawn_blocking(move || command.output())
        .await
        .expect("join")
        .expect("schemathesis runs");
    let printed = format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success(),
        "schemathesis found problems:\n{printed}"
    );
    // It really tested every route: a run that tested nothing must not pass.
    let routes = ApiDoc::openapi()
        .paths
        .paths
        .values()
        .map(|item| {
            [&item.get, &item.put, &item.post, &item.patch, &item.delete]
                .iter()
                .filter(|o| o.is_some())
                .count()
        })
        .sum::<usize>();
    assert!(
        printed.contains(&format!("Tested: {routes}")),
        "not every one of the {routes} routes was tested:\n{printed}"
    );
}
