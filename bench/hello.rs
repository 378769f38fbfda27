//! The machine's yardstick: a bare actix-web server answering every request with a fixed
//! HTML body of a given size from memory, 2 workers like `parley serve` on this machine.
//!
//! Run: `cargo run --release --example hello -- ADDR BYTES` (for instance
//! `127.0.0.1:8099 21000`); `bench/run` starts it with the thread page's size.

use actix_web::{App, HttpResponse, HttpServer, web};

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:8099".into());
    let size: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(20_000);
    let body = web::Bytes::from("x".repeat(size));
    actix_web::rt::System::new().block_on(async move {
        HttpServer::new(move || {
            let body = body.clone();
            App::new().default_service(web::to(move || {
                let body = body.clone();
                async move {
                    HttpResponse::Ok()
                        .content_type("text/html; charset=utf-8")
                        .body(body)
                }
            }))
        })
        .workers(2)
        .bind(addr)?
        .run()
        .await
    })
}
