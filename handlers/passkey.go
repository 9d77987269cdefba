package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"delegate/store"
)

// Passkeys as a second factor: the page carries the WebAuthn options, the
// browser's authenticator answers, and static/passkey.js puts the answer in
// a hidden field of an ordinary form. A passkey signs for this site's
// address only, so a look-alike page cannot pass it on as it can a code.

// relyingParty is the WebAuthn relying party for the public address, or
// nil where passkeys cannot work there: an IP address is no domain a
// passkey can belong to.
func relyingParty(baseURL string) *webauthn.WebAuthn {
	u, err := url.Parse(baseURL)
	if err != nil || u.Hostname() == "" {
		return nil
	}
	rp, err := webauthn.New(&webauthn.Config{
		RPID:          u.Hostname(),
		RPDisplayName: "delegate",
		RPOrigins:     []string{u.Scheme + "://" + u.Host},
	})
	if err != nil {
		return nil
	}
	return rp
}

// passkeyUser is an organiser as the WebAuthn library sees them.
type passkeyUser struct {
	handle []byte
	email  string
	creds  []webauthn.Credential
}

func (u passkeyUser) WebAuthnID() []byte                         { return u.handle }
func (u passkeyUser) WebAuthnName() string                       { return u.email }
func (u passkeyUser) WebAuthnDisplayName() string                { return u.email }
func (u passkeyUser) WebAuthnCredentials() []webauthn.Credential { return u.creds }

// passkeyUser loads the organiser's passkeys.
func (h *Handler) passkeyUser(ctx context.Context, u store.User) (passkeyUser, []store.Passkey, error) {
	keys, err := h.db.Passkeys(ctx, u.ID)
	if err != nil {
		return passkeyUser{}, nil, err
	}
	pu := passkeyUser{handle: h.db.PasskeyHandle(u.ID), email: u.Email}
	for _, k := range keys {
		var c webauthn.Credential
		if err := json.Unmarshal(k.Credential, &c); err != nil {
			return pu, nil, fmt.Errorf("passkey %d: %w", k.ID, err)
		}
		pu.creds = append(pu.creds, c)
	}
	return pu, keys, nil
}

// beginCeremony keeps the challenge in the session, under key, and returns
// the options for the page.
func (h *Handler) beginCeremony(ctx context.Context, key string, options any, session *webauthn.SessionData) (string, error) {
	s, err := json.Marshal(session)
	if err != nil {
		return "", err
	}
	h.sessions.Put(ctx, key, string(s))
	o, err := json.Marshal(options)
	return string(o), err
}

// endCeremony takes the challenge kept under key; it serves one answer.
func (h *Handler) endCeremony(ctx context.Context, key string) (webauthn.SessionData, bool) {
	var s webauthn.SessionData
	raw := h.sessions.PopString(ctx, key)
	return s, raw != "" && json.Unmarshal([]byte(raw), &s) == nil
}

// accountPage renders the organiser's own page with view, offering a new
// passkey where the address allows one.
func (h *Handler) accountPage(c *gin.Context, status int, view accountView) {
	ctx := c.Request.Context()
	u := currentUser(c)
	if h.webauthn != nil && view.Secret == "" {
		pu, keys, err := h.passkeyUser(ctx, *u)
		if err != nil {
			h.fail(c, err)
			return
		}
		creation, session, err := h.webauthn.BeginRegistration(pu,
			webauthn.WithExclusions(webauthn.Credentials(pu.creds).CredentialDescriptors()),
			webauthn.WithResidentKeyRequirement(protocol.ResidentKeyRequirementPreferred))
		if err == nil {
			view.PasskeyOptions, err = h.beginCeremony(ctx, "passkey_add", creation, session)
		}
		if err != nil {
			h.fail(c, err)
			return
		}
		view.Passkeys, view.PasskeysOn = keys, true
	}
	h.render(c, status, "account", h.localizer(c).T("admin.account.title"), view)
}

// addPasskey keeps the passkey the organiser's browser just made.
func (h *Handler) addPasskey(c *gin.Context) {
	ctx := c.Request.Context()
	u := currentUser(c)
	l := h.localizer(c)
	session, ok := h.endCeremony(ctx, "passkey_add")
	refused := func(key string) {
		h.accountPage(c, http.StatusUnprocessableEntity, accountView{TOTP: u.TOTP, PasskeyError: l.T(key)})
	}
	if h.webauthn == nil || !ok {
		refused("admin.passkey.expired")
		return
	}
	parsed, err := protocol.ParseCredentialCreationResponseBytes([]byte(c.PostForm("credential")))
	if err != nil {
		refused("admin.passkey.none")
		return
	}
	pu, _, err := h.passkeyUser(ctx, *u)
	if err != nil {
		h.fail(c, err)
		return
	}
	cred, err := h.webauthn.CreateCredential(pu, session, parsed)
	if err != nil {
		h.log.Info("passkey refused", "user", u.ID, "err", err)
		refused("admin.passkey.refused")
		return
	}
	raw, err := json.Marshal(cred)
	if err != nil {
		h.fail(c, err)
		return
	}
	codes, err := h.db.AddPasskey(ctx, caller(c), u.ID, c.PostForm("name"), cred.ID, raw)
	var ve *store.ValidationError
	if asError(err, &ve) {
		h.accountPage(c, http.StatusUnprocessableEntity, accountView{TOTP: u.TOTP, PasskeyError: fieldMessages(l, ve)["name"]})
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	h.accountPage(c, http.StatusOK, accountView{TOTP: u.TOTP, Recovery: codes, PasskeyAdded: true})
}

// removePasskey removes one of the organiser's own passkeys.
func (h *Handler) removePasskey(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		h.fail(c, store.ErrNotFound)
		return
	}
	if err := h.db.RemovePasskey(c.Request.Context(), caller(c), currentUser(c).ID, id); err != nil {
		h.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/account")
}

// passkeyOptions asks the browser for one of the pending organiser's
// passkeys, for the code page; "" when they have none.
func (h *Handler) passkeyOptions(ctx context.Context, u store.User) (string, error) {
	if h.webauthn == nil || u.Passkeys == 0 {
		return "", nil
	}
	pu, _, err := h.passkeyUser(ctx, u)
	if err != nil {
		return "", err
	}
	assertion, session, err := h.webauthn.BeginLogin(pu)
	if err != nil {
		return "", err
	}
	return h.beginCeremony(ctx, "passkey_login", assertion, session)
}

// submitPasskey is the second step of a sign-in with a passkey in place of
// a code: counted and slowed like a code.
func (h *Handler) submitPasskey(c *gin.Context) {
	ctx := c.Request.Context()
	u, th, ok := h.secondStep(c)
	if !ok {
		return
	}
	session, fresh := h.endCeremony(ctx, "passkey_login")
	actor := h.actor(c, "user", u.Email)
	reason := ""
	var cred *webauthn.Credential
	parsed, err := protocol.ParseCredentialRequestResponseBytes([]byte(c.PostForm("credential")))
	switch {
	case !fresh || h.webauthn == nil:
		reason = "no challenge"
	case err != nil:
		reason = "no answer"
	case !h.stillValid(c, u):
		reason = "account changed"
	default:
		pu, _, err := h.passkeyUser(ctx, u)
		if err != nil {
			h.fail(c, err)
			return
		}
		if cred, err = h.webauthn.ValidateLogin(pu, session, parsed); err != nil {
			reason = err.Error()
		} else if cred.Authenticator.CloneWarning {
			reason = "sign count went back: a copied key?"
		}
	}
	if reason != "" {
		if err := h.db.PasskeyFailed(ctx, actor, u.ID, reason); err != nil {
			h.fail(c, err)
			return
		}
		h.secondStepFailed(c, u, th, "admin.passkey.wrong")
		return
	}
	raw, err := json.Marshal(cred)
	if err == nil {
		err = h.db.PasskeyUsed(ctx, actor, u.ID, cred.ID, raw)
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	h.signedIn(c, u)
}
