// Package handlers serves delegate over HTTP: the public pages, the
// delegate's private page, and the JSON API.
package handlers

import (
	"html/template"
	"log/slog"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

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
}

// Handler holds the routes' shared state.
type Handler struct {
	db      *store.DB
	log     *slog.Logger
	baseURL string
	pages   map[string]*template.Template
	limiter *limiter
}

// New builds the HTTP handler of the whole service.
func New(d Deps) (http.Handler, error) {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
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
	}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	if err := r.SetTrustedProxies(d.TrustedProxies); err != nil {
		return nil, err
	}
	r.ContextWithFallback = true
	r.HandleMethodNotAllowed = true
	r.Use(h.requestID, h.accessLog, h.recover, securityHeaders, h.language)
	h.routes(r)
	r.NoRoute(func(c *gin.Context) { h.fail(c, store.ErrNotFound) })
	r.NoMethod(func(c *gin.Context) {
		h.failStatus(c, http.StatusMethodNotAllowed, "error.bad_request", nil)
	})

	// Browsers say where a request comes from; a cross-site form post is
	// refused before it reaches a route. Clients without those headers
	// (curl, Stripe) pass.
	cop := http.NewCrossOriginProtection()
	return cop.Handler(r), nil
}
