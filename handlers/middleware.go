package handlers

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"

	"delegate/i18n"
	"delegate/photo"
	"delegate/store"
)

func (h *Handler) requestID(c *gin.Context) {
	b := make([]byte, 8)
	rand.Read(b)
	id := hex.EncodeToString(b)
	c.Set("request_id", id)
	c.Header("X-Request-Id", id)
	c.Next()
}

func (h *Handler) accessLog(c *gin.Context) {
	start := time.Now()
	c.Next()
	route := c.FullPath()
	if route == "" {
		route = "(none)"
	}
	h.log.LogAttrs(c.Request.Context(), slog.LevelInfo, "request",
		slog.String("method", c.Request.Method),
		slog.String("route", route),
		slog.Int("status", c.Writer.Status()),
		slog.Duration("duration", time.Since(start)),
		slog.String("request_id", c.GetString("request_id")),
	)
}

func (h *Handler) recover(c *gin.Context) {
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			h.fail(c, fmt.Errorf("panic: %v", p))
		}
	}()
	c.Next()
}

// contentSecurityPolicy allows our own files only: no inline script, no
// framing.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

func (h *Handler) securityHeaders(c *gin.Context) {
	hd := c.Writer.Header()
	if h.secureCookies() {
		// served over HTTPS: browsers keep to it for a year
		hd.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
	}
	hd.Set("Content-Security-Policy", contentSecurityPolicy)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("X-Frame-Options", "DENY")
	// Private links carry their secret in the path: never send it onwards.
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("Cross-Origin-Opener-Policy", "same-origin")
	c.Next()
}

// language picks the page language: ?lang= (remembered in a cookie), then
// the cookie, then Accept-Language (which a page about one delegate
// overrides with theirs: speakIn).
func (h *Handler) language(c *gin.Context) {
	lang := c.Query("lang")
	chosen := true
	if i18n.Supported(lang) {
		http.SetCookie(c.Writer, &http.Cookie{Name: "lang", Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: h.secureCookies()})
	} else if ck, err := c.Cookie("lang"); err == nil && i18n.Supported(ck) {
		lang = ck
	} else {
		lang, chosen = i18n.Match(c.GetHeader("Accept-Language")), false
	}
	c.Set("lang", lang)
	c.Set("lang_chosen", chosen)
	c.Header("Content-Language", lang)
	c.Next()
}

// speakIn makes the page speak lang, the language of the delegate it is
// about, unless the reader chose one (?lang= or the cookie): a link in an
// email opens in the delegate's language whatever the browser says.
func speakIn(c *gin.Context, lang string) {
	if c.GetBool("lang_chosen") || !i18n.Supported(lang) {
		return
	}
	c.Set("lang", lang)
	c.Header("Content-Language", lang)
}

func (h *Handler) secureCookies() bool { return len(h.baseURL) > 8 && h.baseURL[:8] == "https://" }

// limiter is a token bucket per client address.
type limiter struct {
	perMinute int
	mu        sync.Mutex
	clients   map[string]*client
	sweep     time.Time
}

type client struct {
	bucket *rate.Limiter
	seen   time.Time
}

func newLimiter(perMinute int) *limiter {
	return &limiter{perMinute: perMinute, clients: map[string]*client{}}
}

func (l *limiter) allow(addr string) bool {
	if l.perMinute <= 0 {
		return true
	}
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.sweep) > time.Minute {
		// a bucket idle for two minutes is full again: forget it
		for k, cl := range l.clients {
			if now.Sub(cl.seen) > 2*time.Minute {
				delete(l.clients, k)
			}
		}
		l.sweep = now
	}
	cl, ok := l.clients[addr]
	if !ok {
		cl = &client{bucket: rate.NewLimiter(rate.Limit(float64(l.perMinute)/60), l.perMinute)}
		l.clients[addr] = cl
	}
	cl.seen = now
	return cl.bucket.AllowN(now, 1)
}

// limit guards a public form or API call: handle runs only while the
// client keeps within the rate limit.
func (h *Handler) limit(handle gin.HandlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		if !h.limiter.allow(clientNetwork(c.ClientIP())) {
			c.Header("Retry-After", "60")
			h.failStatus(c, http.StatusTooManyRequests, "error.too_many", nil)
			return
		}
		handle(c)
	}
}

// maxBody is the largest request body accepted.
const maxBody = 64 << 10

// largeBodies are the routes that take a file bigger than maxBody, with
// their limit: the file and room for the form around it.
var largeBodies = map[string]int64{"/focal/delegations/:id/note": store.MaxNoteBytes + maxBody,
	"/admin/finance/statement": store.MaxStatementBytes + maxBody, "/admin/finance/statement/confirm": store.MaxStatementBytes,
	"/r/:token/photo": photo.MaxBytes + maxBody, "/admin/registrations/:reference/photo": photo.MaxBytes + maxBody}

func (h *Handler) limitBody(c *gin.Context) {
	limit := int64(maxBody)
	if n, ok := largeBodies[c.FullPath()]; ok {
		limit = n
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
	// a form is read here, so that one too big is told as such (413)
	// rather than read by PostForm as a form with nothing in it
	if ct, _, _ := mime.ParseMediaType(c.ContentType()); ct == "application/x-www-form-urlencoded" {
		if err := c.Request.ParseForm(); err != nil {
			h.fail(c, err)
			c.Abort()
			return
		}
	}
	c.Next()
}
