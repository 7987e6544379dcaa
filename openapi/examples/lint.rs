//! Lints a spec file and prints every problem (`cargo run -p participants-openapi --example lint -- FILE`).
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() {
        match participants_openapi::load_workspace_spec() {
            Ok(spec) => match participants_openapi::generate(&spec) {
                Ok(code) => {
                    std::fs::write("/tmp/gen.rs", code).unwrap();
                    println!("ok");
                }
                Err(e) => println!("{e}"),
            },
            Err(d) => println!("{d}"),
        }
        return;
    }
    for f in args {
        let name = format!(
            "openapi/tests/fixtures/{}",
            std::path::Path::new(&f)
                .file_name()
                .unwrap()
                .to_str()
                .unwrap()
        );
        match participants_openapi::load(std::path::Path::new(&f), &name) {
            Ok(_) => println!("{name}: clean"),
            Err(d) => {
                for h in d.headlines() {
                    println!("{h}");
                }
            }
        }
        println!();
    }
}
