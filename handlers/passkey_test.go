package handlers_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/fxamacker/cbor/v2"

	"delegate/handlers"
	"delegate/store"
)

// softKey is an authenticator in software, enough of one to answer the
// WebAuthn ceremonies the way a browser relays a real one's answers. The
// Chromium test (TestPasskeyInABrowser) drives a real browser's; this one
// lets a test forge what a phishing page or a copied key would send.
type softKey struct {
	key    *ecdsa.PrivateKey
	id     []byte
	count  uint32
	origin string // where the browser says the page came from
}

func newSoftKey(t *testing.T) *softKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	id := make([]byte, 16)
	rand.Read(id)
	return &softKey{key: k, id: id, origin: "https://iclc.example.org"}
}

var b64 = base64.RawURLEncoding

// options reads the WebAuthn options a page carries in its data-passkey form.
func passkeyOptions(t *testing.T, page string) (options struct {
	PublicKey struct {
		Challenge string `json:"challenge"`
		RP        struct {
			ID string `json:"id"`
		} `json:"rp"`
		User struct {
			ID string `json:"id"`
		} `json:"user"`
	} `json:"publicKey"`
}) {
	t.Helper()
	m := regexp.MustCompile(`data-passkey="\w+" data-options="([^"]*)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no passkey form on the page:\n%s", clip(page))
	}
	if err := json.Unmarshal([]byte(html.UnescapeString(m[1])), &options); err != nil {
		t.Fatal(err)
	}
	return options
}

func (k *softKey) authData(rpID string, attested bool) []byte {
	h := sha256.Sum256([]byte(rpID))
	flags := byte(0x01 | 0x04) // user present, user verified
	if attested {
		flags |= 0x40
	}
	b := append(h[:], flags)
	b = binary.BigEndian.AppendUint32(b, k.count)
	if attested {
		b = append(b, make([]byte, 16)...) // no AAGUID
		b = binary.BigEndian.AppendUint16(b, uint16(len(k.id)))
		b = append(b, k.id...)
		pub, _ := k.key.PublicKey.Bytes() // 04 || x || y
		cose, _ := cbor.Marshal(map[int]any{1: 2, 3: -7, -1: 1, -2: pub[1:33], -3: pub[33:]})
		b = append(b, cose...)
	}
	return b
}

func (k *softKey) clientData(kind, challenge string) []byte {
	b, _ := json.Marshal(map[string]any{"type": kind, "challenge": challenge, "origin": k.origin, "crossOrigin": false})
	return b
}

// create answers a registration page as the browser would post it.
func (k *softKey) create(t *testing.T, page string) string {
	o := passkeyOptions(t, page).PublicKey
	att, _ := cbor.Marshal(map[string]any{"fmt": "none", "attStmt": map[string]any{}, "authData": k.authData(o.RP.ID, true)})
	b, _ := json.Marshal(map[string]any{"id": b64.EncodeToString(k.id), "rawId": b64.EncodeToString(k.id), "type": "public-key",
		"response": map[string]any{"clientDataJSON": b64.EncodeToString(k.clientData("webauthn.create", o.Challenge)),
			"attestationObject": b64.EncodeToString(att)}})
	return string(b)
}

// get answers a sign-in page: the next use of the key.
func (k *softKey) get(t *testing.T, page, rpID, handle string) string {
	o := passkeyOptions(t, page).PublicKey
	k.count++
	ad := k.authData(rpID, false)
	cd := k.clientData("webauthn.get", o.Challenge)
	sum := sha256.Sum256(cd)
	digest := sha256.Sum256(append(append([]byte{}, ad...), sum[:]...))
	sig, err := ecdsa.SignASN1(rand.Reader, k.key, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(map[string]any{"id": b64.EncodeToString(k.id), "rawId": b64.EncodeToString(k.id), "type": "public-key",
		"response": map[string]any{"clientDataJSON": b64.EncodeToString(cd), "authenticatorData": b64.EncodeToString(ad),
			"signature": b64.EncodeToString(sig), "userHandle": handle}})
	return string(b)
}

// TestPasskeyAsSecondFactor adds a passkey and signs in with it, and
// checks what makes it worth having: an answer relayed by a look-alike
// site, a replayed answer and a copied key (its sign count going back)
// open nothing, and each is in the audit log.
func TestPasskeyAsSecondFactor(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	ctx := context.Background()
	admin := e.login(t, "admin")
	key := newSoftKey(t)
	page := e.do(t, request{method: "GET", path: "/admin/account?lang=en", session: admin}).Body.String()
	o := passkeyOptions(t, page).PublicKey
	if o.RP.ID != "iclc.example.org" || o.Challenge == "" {
		t.Fatalf("registration options: %+v", o)
	}
	handle := o.User.ID
	rec := e.do(t, request{method: "POST", path: "/admin/account/passkeys?lang=en", session: admin,
		form: url.Values{"name": {"Office laptop"}, "credential": {key.create(t, page)}}})
	added := rec.Body.String()
	if rec.Code != http.StatusOK || !strings.Contains(added, "Office laptop") ||
		len(regexp.MustCompile(`<code class="secret">[0-9A-F]{10}</code>`).FindAllString(added, -1)) != 10 {
		t.Fatalf("add a passkey: %d\n%s", rec.Code, clip(added))
	}
	// the same answer again: its challenge is used up
	if rec := e.do(t, request{method: "POST", path: "/admin/account/passkeys?lang=en", session: admin,
		form: url.Values{"name": {"Again"}, "credential": {key.create(t, page)}}}); rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("a registration answer sent twice: %d, want 422", rec.Code)
	}

	// signIn gives the password, then what answer makes of the passkey page
	signIn := func(answer func(page string) string) (int, string) {
		rec := e.do(t, request{method: "POST", path: "/admin/login", form: url.Values{"email": {"admin@uil.example"}, "password": {organiserPassword}}})
		s := sessionCookie(t, rec)
		page := e.do(t, request{method: "GET", path: "/admin/login/code?lang=en", session: s}).Body.String()
		rec = e.do(t, request{method: "POST", path: "/admin/login/passkey?lang=en", session: s,
			form: url.Values{"credential": {answer(page)}, "next": {"/admin/registrations"}}})
		if rec.Code == http.StatusSeeOther {
			s = sessionCookie(t, rec)
		}
		return rec.Code, s
	}
	var replay string
	code, s := signIn(func(page string) string {
		replay = key.get(t, page, "iclc.example.org", handle)
		return replay
	})
	if code != http.StatusSeeOther || e.do(t, request{method: "GET", path: "/admin/registrations", session: s}).Code != http.StatusOK {
		t.Fatalf("password and passkey: %d", code)
	}
	phished := *key
	phished.origin = "https://iclc-example.org"
	wrongSite := func(page string) string { return phished.get(t, page, "iclc-example.org", handle) }
	copied := *key
	copied.count = 0 // a copy made before the last use
	for _, c := range []struct {
		name   string
		answer func(string) string
	}{
		{"an answer made for a look-alike site", wrongSite},
		{"an answer replayed", func(string) string { return replay }},
		{"a copied key", func(page string) string { return copied.get(t, page, "iclc.example.org", handle) }},
		{"no answer", func(string) string { return "" }},
	} {
		if code, _ := signIn(c.answer); code != http.StatusUnauthorized {
			t.Errorf("%s: %d, want 401", c.name, code)
		}
	}
	failed, _, _ := e.db.FindAudit(ctx, store.AuditFilter{Action: "user.2fa_failed", PerPage: 50})
	ok, _, _ := e.db.FindAudit(ctx, store.AuditFilter{Action: "user.2fa_ok", PerPage: 50})
	addedLog, _, _ := e.db.FindAudit(ctx, store.AuditFilter{Action: "user.passkey_added", PerPage: 50})
	if len(failed) != 4 || len(ok) != 1 || len(addedLog) != 1 {
		t.Errorf("audit: %d failed, %d ok, %d added; want 4, 1, 1", len(failed), len(ok), len(addedLog))
	}

	// another organiser cannot remove it; its owner can
	u, _ := e.db.Authenticate(ctx, "admin@uil.example", organiserPassword)
	keys, _ := e.db.Passkeys(ctx, u.ID)
	if len(keys) != 1 || keys[0].UsedAt == nil {
		t.Fatalf("passkeys kept: %+v", keys)
	}
	remove := "/admin/account/passkeys/" + strconv.FormatInt(keys[0].ID, 10) + "/remove"
	if rec := e.do(t, request{method: "POST", path: remove, session: e.login(t, "viewer")}); rec.Code != http.StatusNotFound {
		t.Errorf("another organiser removes it: %d, want 404", rec.Code)
	}
	if rec := e.do(t, request{method: "POST", path: remove, session: s}); rec.Code != http.StatusSeeOther {
		t.Errorf("its owner removes it: %d", rec.Code)
	}
	if u, _ := e.db.FindUser(ctx, u.ID); u.Passkeys != 0 {
		t.Errorf("passkeys after removal: %d", u.Passkeys)
	}
}

// TestPasskeysNeedADomain: at an IP address no passkey can be made, so
// the account page offers none (and the app still works).
func TestPasskeysNeedADomain(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, func(d *handlers.Deps) { d.BaseURL = "http://192.0.2.10:8080" })
	page := e.do(t, request{method: "GET", path: "/admin/account?lang=en", session: e.login(t, "admin")})
	if page.Code != http.StatusOK || strings.Contains(page.Body.String(), "data-passkey") {
		t.Errorf("account page at an IP address: %d, passkey form offered: %v", page.Code, strings.Contains(page.Body.String(), "data-passkey"))
	}
}
