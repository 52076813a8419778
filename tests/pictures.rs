//! The README's pictures are what the program draws: the committed
//! `docs/*.svg` match a fresh drawing (regenerate them with
//! `cargo run --example pictures` when a screen changes).

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pictures_are_what_the_program_draws() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
    for (name, svg) in quai::demo::pictures::render().await.unwrap() {
        let committed = std::fs::read_to_string(dir.join(name)).unwrap_or_default();
        assert!(
            committed == svg,
            "docs/{name} is not what the program draws: run `cargo run --example pictures`"
        );
        assert!(svg.contains("Crous Université"), "{name}");
    }
}
