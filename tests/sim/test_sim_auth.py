"""The simulated Entra ID token endpoint (client-credentials grant) and ARM's
bearer-token checks: a good request gets a Bearer token; a wrong secret,
client id, tenant, grant type or scope each gets its Entra error shape
(error, error_description starting AADSTS<code>, error_codes); ARM answers
401 AuthenticationFailed / InvalidAuthenticationToken /
ExpiredAuthenticationToken; tokens expire on the virtual clock after
token_lifetime, and the token-expiry fault expires them at once."""

import tempfile

import simharness as h
import tap
from simharness import with_sim


def _ir(sim):
    return sim.ir_path("eastus")


def _entra_error(status, body, want_status, want_error, want_code, what):
    tap.eq(status, want_status, "%s: HTTP status" % what)
    tap.ok(isinstance(body, dict), "%s: the body is a JSON object" % what, body=body)
    tap.not_in("access_token", body, "%s: no token is issued" % what)
    tap.eq(body.get("error"), want_error, "%s: error" % what)
    desc = body.get("error_description", "")
    tap.ok(isinstance(desc, str) and desc.startswith("AADSTS%d" % want_code),
           "%s: error_description starts with AADSTS%d" % (what, want_code), error_description=desc)
    codes = body.get("error_codes")
    tap.ok(isinstance(codes, list) and codes and all(isinstance(c, int) for c in codes),
           "%s: error_codes is a list of numbers" % what, error_codes=codes)
    tap.eq(codes[0], want_code, "%s: error_codes[0]" % what)
    for key in ("timestamp", "trace_id", "correlation_id"):
        tap.is_in(key, body, "%s: the Entra error has %s" % (what, key))


def _arm_error(sim, token, want_code, what):
    status, headers, text, body = sim.arm("GET", _ir(sim), token=token)
    tap.eq(status, 401, "%s: ARM answers 401" % what)
    tap.ok(isinstance(body, dict) and isinstance(body.get("error"), dict), "%s: ARM error shape" % what, body=text)
    tap.eq(body["error"].get("code"), want_code, "%s: error.code" % what)
    tap.ok(isinstance(body["error"].get("message"), str) and body["error"]["message"],
           "%s: error.message is a non-empty string" % what, body=body)


def test_good_credentials_give_a_bearer_token(sim):
    status, headers, text, body = sim.token_request()
    tap.eq(status, 200, "the token endpoint accepts the scenario's credentials")
    tap.eq(body.get("token_type"), "Bearer", "token_type is Bearer")
    tap.ok(isinstance(body.get("expires_in"), int) and not isinstance(body.get("expires_in"), bool),
           "expires_in is a number", expires_in=body.get("expires_in"))
    tap.eq(body["expires_in"], 3599, "expires_in is the default token lifetime")
    tap.ok(isinstance(body.get("access_token"), str) and len(body["access_token"]) >= 16,
           "access_token is a non-trivial string", access_token=body.get("access_token"))
    tap.ok(headers.get("Content-Type", "").startswith("application/json"), "JSON content type",
           content_type=headers.get("Content-Type"))
    code, _, _, ir = sim.arm("GET", _ir(sim), token=body["access_token"])
    tap.eq(code, 200, "the token opens ARM")


def test_each_token_is_new(sim):
    a = sim.token(fresh=True)
    b = sim.token(fresh=True)
    tap.ne(a, b, "two requests give two different tokens")
    for t in (a, b):
        tap.eq(sim.arm("GET", _ir(sim), token=t)[0], 200, "both tokens work")


def test_wrong_secret_is_invalid_client(sim):
    status, _, _, body = sim.token_request(secret="not-the-secret")
    _entra_error(status, body, 401, "invalid_client", 7000215, "wrong secret")


def test_wrong_client_id_is_rejected(sim):
    status, _, _, body = sim.token_request(client_id="11111111-2222-4333-8444-555555555555")
    _entra_error(status, body, 400, "unauthorized_client", 700016, "unknown client id")


def test_wrong_tenant_is_rejected(sim):
    status, _, _, body = sim.token_request(tenant="99999999-0000-4000-8000-000000000000")
    _entra_error(status, body, 400, "invalid_request", 90002, "unknown tenant")


def test_wrong_grant_type_is_rejected(sim):
    status, _, _, body = sim.token_request(grant_type="password")
    _entra_error(status, body, 400, "unsupported_grant_type", 70003, "grant_type=password")


def test_scope_without_default_is_rejected(sim):
    status, _, _, body = sim.token_request(scope=sim.url + "/user_impersonation")
    tap.eq(status, 400, "a scope without /.default is a 400")
    tap.eq(body.get("error"), "invalid_scope", "error is invalid_scope")
    codes = body.get("error_codes") or [None]
    tap.ok(isinstance(codes[0], int), "error_codes has the number", body=body)
    tap.ok(body.get("error_description", "").startswith("AADSTS%d" % codes[0]),
           "error_description starts with AADSTS and the code in error_codes", body=body)


def test_missing_form_fields_are_rejected(sim):
    status, _, _, body = sim.token_request(raw="")
    tap.ok(status in (400, 401), "an empty form is refused", status=status)
    tap.not_in("access_token", body or {}, "and gets no token")


def test_token_endpoint_refuses_get(sim):
    tenant = sim.state()["credentials"]["tenant_id"]
    status, _, _, body = sim.request("GET", "/%s/oauth2/v2.0/token" % tenant)
    tap.ok(400 <= status < 500, "GET on the token endpoint is a client error", status=status)
    tap.not_in("access_token", body or {}, "and gets no token")


def test_form_values_are_url_decoded():
    # A secret with characters that must be percent-encoded in the form.
    secret = "s3cr&t+=%/x y"
    with tempfile.TemporaryDirectory(prefix="ssisdr-auth-test.") as d:
        text = h.set_scenario_key(h.scenario_text("demo"), "client_secret", secret)
        path = h.write_scenario(d, "secret", text)
        with h.Sim(path) as sim:
            tap.eq(sim.state()["credentials"]["client_secret"], secret, "the scenario's secret is used")
            status, _, text_, body = sim.token_request()
            tap.eq(status, 200, "a url-encoded secret with & + = %% / and a space is decoded and accepted: " + text_)
            status, _, _, body = sim.token_request(secret=secret.replace("&", ""))
            tap.eq(status, 401, "a near miss of that secret is still refused")


def test_arm_without_authorization_is_authentication_failed(sim):
    _arm_error(sim, None, "AuthenticationFailed", "no Authorization header")


def test_arm_with_garbage_bearer_is_invalid_token(sim):
    _arm_error(sim, "garbage", "InvalidAuthenticationToken", "Bearer garbage")


def test_arm_with_unissued_token_is_invalid_token(sim):
    real = sim.token()
    forged = real[:-4] + ("0000" if not real.endswith("0000") else "1111")
    _arm_error(sim, forged, "InvalidAuthenticationToken", "a well-formed token the sim never issued")


def test_arm_with_non_bearer_scheme_is_invalid_token(sim):
    status, _, _, body = sim.arm("GET", _ir(sim), token=None, headers={"Authorization": "Basic dXNlcjpwYXNz"})
    tap.eq(status, 401, "Basic auth on ARM is 401")
    tap.eq(body["error"]["code"], "InvalidAuthenticationToken", "error.code for a non-Bearer scheme")


@with_sim("demo", time_scale=1)
def test_token_expires_after_its_lifetime(sim):
    token = sim.token()
    sim.advance(3500)
    tap.eq(sim.arm("GET", _ir(sim), token=token)[0], 200, "the token still works 3500 s after it was issued")
    sim.advance(100)
    _arm_error(sim, token, "ExpiredAuthenticationToken", "3600 s after issue (lifetime 3599 s)")
    fresh = sim.token(fresh=True)
    tap.eq(sim.arm("GET", _ir(sim), token=fresh)[0], 200, "a new token works")


def test_token_lifetime_comes_from_the_scenario():
    with tempfile.TemporaryDirectory(prefix="ssisdr-auth-test.") as d:
        path = h.write_scenario(d, "short", h.set_scenario_key(h.scenario_text("demo"), "token_lifetime", "10m"))
        with h.Sim(path, time_scale=1) as sim:
            status, _, _, body = sim.token_request()
            tap.eq(body.get("expires_in"), 600, "token_lifetime = 10m gives expires_in 600")
            sim.advance(601)
            _arm_error(sim, body["access_token"], "ExpiredAuthenticationToken", "after 601 s")


def test_token_expiry_fault_expires_existing_tokens(sim):
    old = sim.token()
    tap.eq(sim.arm("GET", _ir(sim), token=old)[0], 200, "the token works before the fault")
    sim.fault(kind="token-expiry")
    _arm_error(sim, old, "ExpiredAuthenticationToken", "after the token-expiry fault")
    new = sim.token(fresh=True)
    tap.eq(sim.arm("GET", _ir(sim), token=new)[0], 200, "a token issued after the fault works")


if __name__ == "__main__":
    h.main("demo")
