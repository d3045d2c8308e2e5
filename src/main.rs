//! Entry point: Trunk builds this binary for wasm32; it only mounts the app.
fn main() {
    #[cfg(target_arch = "wasm32")]
    kefu::ui::start();
}
