use super::*;
use serde_json::json;

#[test]
fn emails_are_trimmed_and_lowercased() {
    assert_eq!(
        Email::parse("  Ada.Lovelace+Links@Example.COM ")
            .unwrap()
            .as_str(),
        "ada.lovelace+links@example.com"
    );
}

#[test]
fn malformed_emails_are_refused() {
    for text in [
        "",
        "ada",
        "ada@",
        "@example.com",
        "ada@example",
        "ada@@example.com",
        "a da@example.com",
        "ada@exa mple.com",
        "ada@-example.com",
        "ada@example..com",
        ".ada@example.com",
        "ada..l@example.com",
        "\"ada\"@example.com",
        "ada@exam\nple.com",
    ] {
        assert!(Email::parse(text).is_err(), "{text:?}");
    }
    let long = format!("{}@example.com", "a".repeat(65));
    assert!(Email::parse(&long).is_err());
}

#[test]
fn owners_hold_every_scope_and_members_all_but_key_management() {
    assert!(Role::Owner.scopes().contains(Scope::KeysManage));
    assert!(!Role::Member.scopes().contains(Scope::KeysManage));
    for scope in [
        Scope::LinksRead,
        Scope::LinksWrite,
        Scope::AnalyticsRead,
        Scope::QrWrite,
    ] {
        assert!(Role::Member.scopes().contains(scope));
    }
}

#[test]
fn a_sign_up_reads_email_password_and_account_name() {
    let s = SignUp::from_body(
        json!({"email": "A@B.co", "password": "long enough!", "accountName": " Acme "}),
    )
    .unwrap();
    assert_eq!(s.email.as_str(), "a@b.co");
    assert_eq!(s.account_name.as_deref(), Some("Acme"));
    assert_eq!(s.invitation, None);
}

#[test]
fn a_short_password_is_refused_naming_the_rule() {
    let err = SignUp::from_body(json!({"email": "a@b.co", "password": "short"})).unwrap_err();
    assert_eq!(err.field, "password");
    assert_eq!(
        err.message,
        "`password` must be 10 to 256 characters (got 5)"
    );
}

#[test]
fn a_blank_password_is_refused() {
    let err =
        SignUp::from_body(json!({"email": "a@b.co", "password": "            "})).unwrap_err();
    assert_eq!(err.field, "password");
}

#[test]
fn an_invitation_cannot_name_a_new_account() {
    let err = SignUp::from_body(json!({"email": "a@b.co", "password": "long enough!", "accountName": "X", "invitation": "t"}))
        .unwrap_err();
    assert_eq!(err.field, "accountName");
}

#[test]
fn unknown_sign_up_fields_are_named() {
    let err =
        SignUp::from_body(json!({"email": "a@b.co", "password": "long enough!", "plan": "pro"}))
            .unwrap_err();
    assert_eq!(err.field, "plan");
}

#[test]
fn a_sign_in_needs_both_fields() {
    assert_eq!(
        SignIn::from_body(json!({"email": "a@b.co"}))
            .unwrap_err()
            .field,
        "password"
    );
    assert_eq!(
        SignIn::from_body(json!({"password": "x"}))
            .unwrap_err()
            .field,
        "email"
    );
    let s = SignIn::from_body(json!({"email": "A@b.co", "password": "x"})).unwrap();
    assert_eq!((s.email.as_str(), s.password.as_str()), ("a@b.co", "x"));
}

#[test]
fn invitations_default_their_role() {
    let i = InvitationRequest::from_body(json!({"email": "a@b.co"}), Role::Member).unwrap();
    assert_eq!(i.role, Role::Member);
    let i = InvitationRequest::from_body(json!({"email": "a@b.co", "role": "owner"}), Role::Member)
        .unwrap();
    assert_eq!(i.role, Role::Owner);
    let err =
        InvitationRequest::from_body(json!({"email": "a@b.co", "role": "admin"}), Role::Member)
            .unwrap_err();
    assert_eq!(err.field, "role");
}

#[test]
fn a_role_patch_names_a_role() {
    assert_eq!(role_patch(json!({"role": "member"})).unwrap(), Role::Member);
    assert_eq!(role_patch(json!({})).unwrap_err().field, "role");
    assert_eq!(role_patch(json!({"role": 1})).unwrap_err().field, "role");
}
