//! What must and must not compile (trybuild): raw strings where the friendly
//! API takes a typed preset (`Sandbox`, `ApprovalMode`), wrong primitive
//! types in numeric and boolean setters, async and blocking; and the plain
//! literals those setters must accept. The expected compiler messages are
//! the `.stderr` files beside each case in `compile-fail/`; regenerate them
//! with `TRYBUILD=overwrite` and review.

#[test]
fn typed_setters() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("compile-fail/*.rs");
    cases.pass("compile-pass/*.rs");
}
