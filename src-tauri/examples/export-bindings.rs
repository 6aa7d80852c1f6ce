//! Writes the TypeScript bindings to `ui/src/lib/bindings.ts`.
//!
//! Run `cargo run -p token-wizard --example export-bindings` after changing a command or one of
//! its types; the `bindings_are_up_to_date` test fails until the file is regenerated.

use std::path::Path;

fn main() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(token_wizard_lib::BINDINGS_PATH);
    token_wizard_lib::export_bindings(&path).expect("bindings export");
    println!("wrote {}", path.display());
}
