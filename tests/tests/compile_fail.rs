//! What must not compile (trybuild): raw strings where the friendly API takes
//! a typed preset (`Sandbox`, `ApprovalMode`), async and blocking. The
//! expected compiler messages are the `.stderr` files beside each case in
//! `compile-fail/`; regenerate them with `TRYBUILD=overwrite` and review.

#[test]
fn raw_strings_are_not_presets() {
    trybuild::TestCases::new().compile_fail("compile-fail/*.rs");
}
