//! Writes the README's pictures (the board and the kiosk on the demo
//! network at a fixed time) to `docs/`: `cargo run --example pictures`.

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let pictures = match quai::demo::pictures::render().await {
        Ok(p) => p,
        Err(e) => {
            eprintln!("pictures: {e}");
            std::process::exit(1);
        }
    };
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
    for (name, svg) in pictures {
        let path = dir.join(name);
        if let Err(e) = std::fs::write(&path, svg) {
            eprintln!("pictures: cannot write {}: {e}", path.display());
            std::process::exit(1);
        }
        println!("wrote {}", path.display());
    }
}
