//! The account pages: register, log in (with its second step), confirm and reset, settings
//! (two-factor authentication, signed-in devices, API tokens), profiles, the member list, the account
//! rules of administrators and the first admin.

pub mod devices_views;
pub mod handlers;
pub mod joining_views;
pub mod tokens_views;
pub mod two_factor_views;
pub mod views;

use actix_web::web;

use handlers::{
    avatar, devices, email, joining, login, notices, profile, register, second_step, settings,
    setup as first_admin, tokens, two_factor,
};

/// Registers the accounts routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/register")
            .route(web::get().to(register::show))
            .route(web::post().to(register::submit)),
    )
    .service(
        web::resource("/login")
            .route(web::get().to(login::show))
            .route(web::post().to(login::submit)),
    )
    .service(web::resource("/login/link").route(web::post().to(login::request_link)))
    .service(
        web::resource("/login/link/{token}")
            .route(web::get().to(login::link_page))
            .route(web::post().to(login::use_link)),
    )
    .service(
        web::resource("/login/code")
            .route(web::get().to(second_step::show))
            .route(web::post().to(second_step::submit)),
    )
    .service(web::resource("/logout").route(web::post().to(login::logout)))
    .service(web::resource("/u/{username}").route(web::get().to(profile::show)))
    .service(web::resource("/members").route(web::get().to(profile::list)))
    .service(web::resource("/members/names").route(web::get().to(profile::names)))
    .service(web::resource("/settings").route(web::get().to(settings::show)))
    .service(web::resource("/notices").route(web::get().to(notices::list)))
    .service(web::resource("/notices/read").route(web::post().to(notices::read_all)))
    .service(web::resource("/notices/{id}").route(web::get().to(notices::open)))
    .service(web::resource("/settings/email").route(web::post().to(settings::change_email)))
    .service(web::resource("/settings/password").route(web::post().to(settings::change_password)))
    .service(web::resource("/settings/two-factor").route(web::get().to(two_factor::show)))
    .service(web::resource("/settings/two-factor/enable").route(web::post().to(two_factor::enable)))
    .service(
        web::resource("/settings/two-factor/recovery")
            .route(web::post().to(two_factor::new_recovery_codes)),
    )
    .service(web::resource("/settings/two-factor/off").route(web::post().to(two_factor::turn_off)))
    .service(
        web::resource("/settings/two-factor/forget-devices")
            .route(web::post().to(two_factor::forget_devices)),
    )
    .service(web::resource("/settings/sessions").route(web::get().to(devices::list)))
    .service(
        web::resource("/settings/tokens")
            .route(web::get().to(tokens::list))
            .route(web::post().to(tokens::create)),
    )
    .service(web::resource("/settings/tokens/{id}/revoke").route(web::post().to(tokens::revoke)))
    .service(web::resource("/settings/avatar").route(web::post().to(avatar::upload)))
    .service(web::resource("/settings/about").route(web::post().to(settings::change_about)))
    .service(web::resource("/settings/avatar/remove").route(web::post().to(avatar::remove)))
    .service(web::resource("/avatars/{id}/{hash}/{file}").route(web::get().to(avatar::picture)))
    .service(
        web::resource("/settings/sessions/others/logout")
            .route(web::post().to(devices::log_out_others)),
    )
    .service(
        web::resource("/settings/sessions/{id}/logout").route(web::post().to(devices::log_out_one)),
    )
    .service(
        web::resource("/admin/accounts")
            .route(web::get().to(joining::admin_show))
            .route(web::post().to(joining::admin_save)),
    )
    .service(web::resource("/admin/applicants").route(web::get().to(joining::applicants)))
    .service(web::resource("/admin/applicants/{id}").route(web::post().to(joining::decide)))
    .service(
        web::resource("/invitations")
            .route(web::get().to(joining::invitations))
            .route(web::post().to(joining::invite)),
    )
    .service(
        web::resource("/settings/preferences").route(web::post().to(settings::change_preferences)),
    )
    .service(web::resource("/confirm/resend").route(web::post().to(email::resend)))
    .service(web::resource("/confirm/{token}").route(web::get().to(email::confirm)))
    .service(
        web::resource("/password/forgot")
            .route(web::get().to(email::forgot_form))
            .route(web::post().to(email::forgot)),
    )
    .service(
        web::resource("/password/reset/{token}")
            .route(web::get().to(email::reset_form))
            .route(web::post().to(email::reset)),
    )
    .service(
        web::resource("/setup/{token}")
            .route(web::get().to(first_admin::show))
            .route(web::post().to(first_admin::submit)),
    );
}
