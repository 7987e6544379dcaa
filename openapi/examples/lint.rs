fn main() {
    match participants_openapi::load_workspace_spec() {
        Ok(spec) => match participants_openapi::generate(&spec) {
            Ok(code) => { std::fs::write("/tmp/gen.rs", code).unwrap(); println!("ok"); }
            Err(e) => println!("{e}"),
        },
        Err(d) => println!("{d}"),
    }
}
