// Package handlers serves delegate over HTTP: the public pages, the
// delegate's private page, and the JSON API.
package handlers

import (
	"context"
	"html/template"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/alexedwards/scs/v2"
	"github.com/gin-gonic/gin"

	"delegate/payment"
	"delegate/store"
)

// Deps are what the handlers need.
type Deps struct {
	DB     *store.DB
	Logger *slog.Logger
	// BaseURL is the public address, used in links and to decide whether
	// cookies are Secure.
	BaseURL string
	// RateLimit is how many public POSTs one client may make a minute
	// (with a burst of the same size); 0 turns the limit off.
	RateLimit int
	// TrustedProxies name the reverse proxies whose X-Forwarded-For is
	// believed; none by default.
	TrustedProxies []string
	// MailOff says no SMTP server is configured: messages stay in the
	// outbox, and the mail and dashboard pages say so.
	MailOff bool
	// Payments takes fees by card; nil when Stripe is not configured.
	Payments *payment.Client
	// Sleep waits out the slowdown after a failed login; by default it
	// sleeps until d has passed or ctx is done. Tests record the delays
	// instead of waiting them.
	Sleep func(ctx context.Context, d time.Duration)
}

// Handler holds the routes' shared state.
type Handler struct {
	db       *store.DB
	log      *slog.Logger
	baseURL  string
	mailOff  bool
	pages    map[string]*template.Template
	limiter  *limiter
	sessions *scs.SessionManager
	focal    *scs.SessionManager // focal points' sessions
	webauthn *webauthn.WebAuthn  // nil where the address allows no passkeys
	pay      *payment.Client
	// sleep waits out a failed login's slowdown (Deps.Sleep).
	sleep func(ctx context.Context, d time.Duration)
	// roles maps "METHOD /path" of every route to the weakest role that
	// may call it, or "public".
	roles map[string]string
}

// Server is the HTTP handler of the whole service.
type Server struct {
	http.Handler
	engine *gin.Engine
	roles  map[string]string
}

// Routes lists every route the router serves, with the weakest role that
// may call it ("public" for everyone, "" where none was declared).
func (s *Server) Routes() []Route {
	var out []Route
	for _, r := range s.engine.Routes() {
		out = append(out, Route{Method: r.Method, Path: r.Path, Role: s.roles[r.Method+" "+r.Path]})
	}
	return out
}

// New builds the HTTP handler of the whole service.
func New(d Deps) (*Server, error) {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Sleep == nil {
		d.Sleep = sleepCtx
	}
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	h := &Handler{
		db:      d.DB,
		log:     d.Logger,
		baseURL: strings.TrimRight(d.BaseURL, "/"),
		pages:   pages,
		limiter: newLimiter(d.RateLimit),
		sleep:   d.Sleep,
		pay:     d.Payments,
		mailOff: d.MailOff,
		roles:   map[string]string{},
		// passkeys belong to the public address's domain
		webauthn: relyingParty(d.BaseURL),
	}
	h.sessions = newSessions(d.DB, h.secureCookies(), "delegate_admin", "/admin")
	h.focal = newSessions(d.DB, h.secureCookies(), "delegate_focal", "/focal")
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	if err := r.SetTrustedProxies(d.TrustedProxies); err != nil {
		return nil, err
	}
	r.ContextWithFallback = true
	r.HandleMethodNotAllowed = true
	r.Use(h.requestID, h.accessLog, compress, h.recover, h.securityHeaders, h.language)
	h.routes(r)
	r.NoRoute(func(c *gin.Context) { h.fail(c, store.ErrNotFound) })
	r.NoMethod(func(c *gin.Context) {
		h.failStatus(c, http.StatusMethodNotAllowed, "error.bad_request", nil)
	})

	// Only organisers and focal points use a session: each is loaded and
	// saved under its own path alone.
	withSession, withFocal := h.sessions.LoadAndSave(r), h.focal.LoadAndSave(r)
	mux := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		switch {
		case strings.HasPrefix(req.URL.Path, "/admin"):
			withSession.ServeHTTP(w, req)
		case strings.HasPrefix(req.URL.Path, "/focal"):
			withFocal.ServeHTTP(w, req)
		default:
			r.ServeHTTP(w, req)
		}
	})
	// Browsers say where a request comes from; a cross-site form post is
	// refused before it reaches a route. Clients without those headers
	// (curl, Stripe) pass; they carry no session cookie.
	cop := http.NewCrossOriginProtection()
	return &Server{Handler: cop.Handler(mux), engine: r, roles: h.roles}, nil
}
