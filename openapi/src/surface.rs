//! A readable listing of the public Rust surface of generated code, so a
//! reviewer sees what a spec edit does to the API without reading 2,000
//! lines of generated code. The snapshot `shapes__rust_surface.snap` is this
//! listing; [`crate::review`] classifies the difference of two.

use quote::ToTokens;
use syn::{Fields, ImplItem, Item, Visibility};

/// Lists the public items of `code`: modules, structs with their public
/// fields, enums with their variants, public methods, and trait impls.
pub fn surface(code: &str) -> Result<String, String> {
    let file =
        syn::parse_file(code).map_err(|e| format!("cannot parse the generated code: {e}"))?;
    let mut out = Vec::new();
    walk(&file.items, "", &mut out);
    Ok(out.join("\n"))
}

fn is_pub(vis: &Visibility) -> bool {
    matches!(vis, Visibility::Public(_))
}

fn walk(items: &[Item], prefix: &str, out: &mut Vec<String>) {
    // Types declared in this module, to qualify the `impl` lines of them.
    let local: Vec<String> = items
        .iter()
        .filter_map(|i| match i {
            Item::Struct(s) => Some(s.ident.to_string()),
            Item::Enum(e) => Some(e.ident.to_string()),
            _ => None,
        })
        .collect();
    for item in items {
        match item {
            Item::Mod(m) if is_pub(&m.vis) => {
                if let Some((_, inner)) = &m.content {
                    walk(inner, &format!("{prefix}{}::", m.ident), out);
                }
            }
            Item::Struct(s) if is_pub(&s.vis) => {
                let generics = render_generics(&s.generics);
                match &s.fields {
                    Fields::Named(named) => {
                        out.push(format!("struct {prefix}{}{generics}", s.ident));
                        for f in named.named.iter().filter(|f| is_pub(&f.vis)) {
                            let name = f
                                .ident
                                .as_ref()
                                .map(ToString::to_string)
                                .unwrap_or_default();
                            out.push(format!("    {name}: {}", render_type(&f.ty)));
                        }
                    }
                    Fields::Unnamed(fields) => {
                        let shown: Vec<String> = fields
                            .unnamed
                            .iter()
                            .map(|f| {
                                if is_pub(&f.vis) {
                                    render_type(&f.ty)
                                } else {
                                    "_".into()
                                }
                            })
                            .collect();
                        out.push(format!(
                            "struct {prefix}{}{generics}({})",
                            s.ident,
                            shown.join(", ")
                        ));
                    }
                    Fields::Unit => out.push(format!("struct {prefix}{}{generics}", s.ident)),
                }
            }
            Item::Enum(e) if is_pub(&e.vis) => {
                out.push(format!("enum {prefix}{}", e.ident));
                for v in &e.variants {
                    let rename = v
                        .attrs
                        .iter()
                        .filter(|a| a.path().is_ident("serde"))
                        .find_map(|a| {
                            let mut found = None;
                            let _ = a.parse_nested_meta(|meta| {
                                if meta.path.is_ident("rename") {
                                    let lit: syn::LitStr = meta.value()?.parse()?;
                                    found = Some(lit.value());
                                } else if meta.input.peek(syn::Token![=]) {
                                    let _: syn::Expr = meta.value()?.parse()?;
                                }
                                Ok(())
                            });
                            found
                        });
                    match rename {
                        Some(wire) => out.push(format!("    {} = {wire:?}", v.ident)),
                        None => out.push(format!("    {}", v.ident)),
                    }
                }
            }
            Item::Impl(i) => {
                let self_ty = render_type(&i.self_ty);
                let base = self_ty.split('<').next().unwrap_or_default();
                let qualified = if local.iter().any(|l| l == base) {
                    format!("{prefix}{self_ty}")
                } else {
                    self_ty.clone()
                };
                match &i.trait_ {
                    Some((path, _)) => {
                        let t = render_path(path);
                        out.push(format!("impl {t} for {qualified}"));
                    }
                    None => {
                        for member in &i.items {
                            if let ImplItem::Fn(f) = member
                                && is_pub(&f.vis)
                            {
                                out.push(format!("fn {qualified}::{}", render_sig(&f.sig)));
                            }
                        }
                    }
                }
            }
            Item::Use(u) if is_pub(&u.vis) => {
                let text = tidy(u.tree.to_token_stream().to_string());
                let module = prefix.trim_end_matches("::");
                if module.is_empty() {
                    out.push(format!("pub use {text}"));
                } else {
                    out.push(format!("mod {module}: pub use {text}"));
                }
            }
            _ => {}
        }
    }
}

/// Token text made readable: `:: std :: option :: Option < bool >` becomes
/// `Option<bool>`.
fn tidy(tokens: String) -> String {
    let mut t = tokens;
    for (from, to) in [
        (" :: ", "::"),
        (" : ", ": "),
        (",)", ")"),
        (":: ", "::"),
        (" ::", "::"),
        (" < ", "<"),
        ("< ", "<"),
        (" <", "<"),
        (" >", ">"),
        ("& ", "&"),
        ("( ", "("),
        (" )", ")"),
        (" ,", ","),
        ("' ", "'"),
        ("! ", "!"),
    ] {
        t = t.replace(from, to);
    }
    let t = t
        .replace("::std::option::", "")
        .replace("::std::string::", "")
        .replace("::std::vec::", "")
        .replace("::std::", "std::");
    t.replace(",>", ">").trim_end_matches(',').to_string()
}

fn render_type(ty: &syn::Type) -> String {
    tidy(ty.to_token_stream().to_string())
}

fn render_path(path: &syn::Path) -> String {
    tidy(path.to_token_stream().to_string())
}

fn render_generics(g: &syn::Generics) -> String {
    if g.params.is_empty() {
        return String::new();
    }
    tidy(g.to_token_stream().to_string())
}

fn render_sig(sig: &syn::Signature) -> String {
    let text = tidy(sig.to_token_stream().to_string());
    text.trim_start_matches("async ")
        .trim_start_matches("fn ")
        .replacen(" (", "(", 1)
}

#[cfg(test)]
mod tests {
    #[test]
    fn lists_public_items() {
        let code = r#"
            pub mod types {
                pub struct P { pub a: ::std::option::Option<::std::string::String>, b: u8 }
                pub struct Id(String);
                pub enum M { #[serde(rename = "GET")] Get, Post }
                impl P { pub fn builder() -> u8 { 0 } fn hidden() {} }
                impl ::std::default::Default for P { fn default() -> Self { todo!() } }
            }
            struct Private;
        "#;
        assert_eq!(
            super::surface(code).unwrap(),
            "struct types::P\n    a: Option<String>\nstruct types::Id(_)\nenum types::M\n    Get = \"GET\"\n    Post\nfn types::P::builder() -> u8\nimpl std::default::Default for types::P"
        );
    }
}
