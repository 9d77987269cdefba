package handlers

import (
	"bytes"
	"context"
	"encoding/hex"
	"net/http"
	"net/netip"
	"net/url"
	"reflect"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/gin-gonic/gin"

	"delegate/store"
)

// newSessions is a session manager whose cookie, name, is sent under
// path alone: one for the organisers (/admin), one for focal points
// (/focal).
func newSessions(db *store.DB, secure bool, name, path string) *scs.SessionManager {
	sm := scs.New()
	sm.Store = sessionStore{db}
	sm.Lifetime = 12 * time.Hour
	sm.IdleTimeout = 2 * time.Hour
	sm.Cookie.Name = name
	sm.Cookie.Path = path
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = secure
	return sm
}

// sessionStore keeps scs's sessions in the database. Expiry is scs's, so
// it is read on the real clock, not the store's.
type sessionStore struct{ db *store.DB }

// The database keeps a hash of each session's token, never the token: a
// copy of the database or of a backup lets nobody in.
func sessionKey(token string) string { return hex.EncodeToString(store.HashToken(token)) }

func (s sessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	return s.db.FindSession(ctx, sessionKey(token), time.Now())
}

// sessionRefresh is how far an unchanged session's expiry must move
// before it is written again: scs extends the idle timeout on every
// request, and a durable write for every page an organiser opens would
// queue behind registrations and check-ins for nothing.
const sessionRefresh = time.Minute

func (s sessionStore) CommitCtx(ctx context.Context, token string, data []byte, expiry time.Time) error {
	key := sessionKey(token)
	if stored, until, err := s.db.SessionExpiry(ctx, key); err == nil && expiry.Sub(until) < sessionRefresh && sameSession(stored, data) {
		return nil
	}
	return s.db.SaveSession(ctx, key, data, expiry, time.Now())
}

// sameSession reports whether two encodings hold the same session: gob
// writes a map in no fixed order, so the bytes may differ when it is not.
func sameSession(a, b []byte) bool {
	if bytes.Equal(a, b) {
		return true
	}
	var codec scs.GobCodec
	da, va, err1 := codec.Decode(a)
	db, vb, err2 := codec.Decode(b)
	return err1 == nil && err2 == nil && da.Equal(db) && reflect.DeepEqual(va, vb)
}

func (s sessionStore) DeleteCtx(ctx context.Context, token string) error {
	return s.db.DeleteSession(ctx, sessionKey(token))
}

// startSession signs u in on this session, in the session epoch u is in:
// a later change of password, role or access ends it.
func (h *Handler) startSession(ctx context.Context, u store.User) {
	h.sessions.Put(ctx, "user_id", u.ID)
	h.sessions.Put(ctx, "epoch", u.SessionEpoch)
}

// Find, Commit and Delete complete scs.Store; scs calls the Ctx forms.
func (s sessionStore) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}

func (s sessionStore) Commit(token string, data []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, data, expiry)
}

func (s sessionStore) Delete(token string) error { return s.DeleteCtx(context.Background(), token) }

// organiser loads the signed-in organiser for pages of role or stronger:
// without a session it sends the browser to the login page; a role too
// weak gets 403.
func (h *Handler) organiser(role string) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		id := h.sessions.GetInt64(ctx, "user_id")
		var u store.User
		var err error
		if id != 0 {
			u, err = h.db.FindUser(ctx, id)
		}
		if id == 0 || err != nil || u.Disabled || h.sessions.GetInt64(ctx, "epoch") != u.SessionEpoch {
			if id != 0 {
				h.sessions.Destroy(ctx) // a disabled or deleted organiser's session ends here
			}
			next := c.Request.URL.RequestURI()
			if c.Request.Method != http.MethodGet {
				next = "/admin"
			}
			c.Redirect(http.StatusSeeOther, "/admin/login?next="+url.QueryEscape(next))
			c.Abort()
			return
		}
		c.Set("user", u)
		c.Set("role", u.Role)
		// where a second factor is obligatory, an admin or finance officer
		// without one enrols before anything else
		if s := h.db.Settings(); s.SecondFactorRequired && !u.SecondFactor && store.RoleAtLeast(u.Role, "finance") &&
			!strings.HasPrefix(c.Request.URL.Path, "/admin/account") {
			c.Redirect(http.StatusSeeOther, "/admin/account?required=1")
			c.Abort()
			return
		}
		c.Set("actor", store.Actor{Kind: "user", Name: u.Email, Address: c.ClientIP()})
		if !store.RoleAtLeast(u.Role, role) {
			h.failStatus(c, http.StatusForbidden, "error.forbidden", nil)
			return
		}
		c.Next()
	}
}

// currentUser is the signed-in organiser, if any.
func currentUser(c *gin.Context) *store.User {
	if u, ok := c.Get("user"); ok {
		u := u.(store.User)
		return &u
	}
	return nil
}

// flash keeps a message for the next page the organiser sees.
func (h *Handler) flash(c *gin.Context, msg string) {
	h.sessions.Put(c.Request.Context(), "flash", msg)
}

// safeNext keeps a post-login redirect inside the admin.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/admin") || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		return "/admin"
	}
	return next
}

// clientNetwork is the key a client is counted under for rate limits and
// the login throttle: its IPv4 address, or the /64 network of an IPv6
// one, which a single host may pick addresses from at will.
func clientNetwork(ip string) string {
	addr, err := netip.ParseAddr(ip)
	if err != nil || addr.Is4() || addr.Is4In6() {
		return ip
	}
	p, _ := addr.Prefix(64)
	return p.String()
}

// sleepCtx waits d, or less if ctx is done first.
func sleepCtx(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
