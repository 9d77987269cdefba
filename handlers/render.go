package handlers

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"delegate/i18n"
	"delegate/store"
	"delegate/templates"
)

// page is what every page template gets.
type page struct {
	L        *i18n.Localizer
	Settings store.Settings
	Title    string
	// Path is the page's address without ?lang, for the language links.
	Path string
	Data any
	// User is the signed-in organiser on admin pages.
	User *store.User
	// Flash is a message left by the previous admin action.
	Flash string
	// MailOff: no SMTP server is configured, so nothing is sent.
	MailOff bool
}

// Can reports whether the signed-in organiser has the rights of role.
func (p page) Can(role string) bool { return p.User != nil && store.RoleAtLeast(p.User.Role, role) }

// T translates key for the page's language.
func (p page) T(key string, args ...any) string { return p.L.T(key, args...) }

// LangURL is the page's address in another language.
func (p page) LangURL(lang string) string {
	u, err := url.Parse(p.Path)
	if err != nil {
		return "?lang=" + lang
	}
	q := u.Query()
	q.Set("lang", lang)
	u.RawQuery = q.Encode()
	return u.String()
}

// Languages are the languages offered in the header.
func (p page) Languages() []string { return i18n.Languages }

var funcs = template.FuncMap{
	"has":      func(list []string, x string) bool { return slices.Contains(list, x) },
	"langName": func(lang string) string { return i18n.For(lang).T("lang.name") },
	"list":     func(xs ...string) []string { return xs },
	"add":      func(a, b int) int { return a + b },
	// frameHeight is a height in pixels for a message's frame that shows
	// it whole: its text's lines, wrapped at about 70 characters, at the
	// email's line height, with room for its header and footer (a
	// sandboxed frame without script cannot size itself)
	"frameHeight": func(text string) int {
		rows := 0
		for _, line := range strings.Split(text, "\n") {
			rows += 1 + utf8.RuneCountInString(line)/70
		}
		return min(200+rows*26, 12000)
	},
	// chart geometry: pct scales a percentage to a length; add64 and sub
	// place it
	"pct":   func(scale, p float64) float64 { return math.Round(scale*p) / 100 },
	"add64": func(a, b float64) float64 { return a + b },
	"sub":   func(a, b float64) float64 { return a - b },
	// mask shows only the end of a secret, enough to compare with a document
	"mask": func(s string) string {
		if len(s) <= 3 {
			return strings.Repeat("•", len(s))
		}
		return strings.Repeat("•", len(s)-3) + s[len(s)-3:]
	},
	// change writes a recorded change: [old, new] as "old → new"
	"change": func(x any) string {
		if pair, ok := x.([]any); ok && len(pair) == 2 {
			return fmt.Sprintf("%v → %v", pair[0], pair[1])
		}
		return fmt.Sprint(x)
	},
	"roleOptions": func(l *i18n.Localizer) []option {
		var out []option
		for _, r := range store.Roles {
			out = append(out, option{Value: r, Label: l.T("role." + r)})
		}
		return out
	},
	// dict builds the argument of a partial from name/value pairs.
	"dict": func(kv ...any) (map[string]any, error) {
		if len(kv)%2 != 0 {
			return nil, errors.New("dict: odd number of arguments")
		}
		m := make(map[string]any, len(kv)/2)
		for i := 0; i < len(kv); i += 2 {
			k, ok := kv[i].(string)
			if !ok {
				return nil, errors.New("dict: key is not a string")
			}
			m[k] = kv[i+1]
		}
		return m, nil
	},
}

// parsePages parses each page with the layout and the partials. Leading
// indentation is dropped from every line: it is for people reading the
// templates, not for browsers.
func parsePages() (map[string]*template.Template, error) {
	names, err := fs.Glob(templates.FS, "*.html")
	if err != nil {
		return nil, err
	}
	sources := map[string]string{}
	var shared []string
	for _, name := range names {
		b, err := fs.ReadFile(templates.FS, name)
		if err != nil {
			return nil, err
		}
		lines := strings.Split(string(b), "\n")
		for i, line := range lines {
			lines[i] = strings.TrimLeft(line, " \t")
		}
		sources[name] = strings.Join(lines, "\n")
		if strings.HasPrefix(name, "_") {
			shared = append(shared, name)
		}
	}
	pages := map[string]*template.Template{}
	for _, name := range names {
		if strings.HasPrefix(name, "_") {
			continue
		}
		t, err := template.New(name).Funcs(funcs).Parse(sources[name])
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		for _, part := range shared {
			if _, err := t.New(part).Parse(sources[part]); err != nil {
				return nil, fmt.Errorf("template %s: %w", part, err)
			}
		}
		pages[strings.TrimSuffix(name, path.Ext(name))] = t
	}
	return pages, nil
}

func (h *Handler) localizer(c *gin.Context) *i18n.Localizer { return i18n.For(c.GetString("lang")) }

// render writes page name with data; it renders into a buffer first so that
// a template error becomes a clean 500.
func (h *Handler) render(c *gin.Context, status int, name, title string, data any) {
	t, ok := h.pages[name]
	if !ok {
		h.fail(c, errors.New("no page "+name))
		return
	}
	p := page{L: h.localizer(c), Settings: h.db.Settings(), Title: title, Path: pagePath(c), Data: data,
		User: currentUser(c), MailOff: h.mailOff}
	if p.User != nil {
		p.Flash = h.sessions.PopString(c.Request.Context(), "flash")
		c.Header("Cache-Control", "no-store")
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		h.log.Error("render", "page", name, "err", err, "request_id", c.GetString("request_id"))
		c.Data(http.StatusInternalServerError, "text/plain; charset=utf-8", []byte(p.T("error.server")))
		return
	}
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

func pagePath(c *gin.Context) string {
	u := *c.Request.URL
	q := u.Query()
	q.Del("lang")
	u.RawQuery = q.Encode()
	return u.RequestURI()
}

func isAPI(c *gin.Context) bool { return strings.HasPrefix(c.Request.URL.Path, "/api/") }

// fail is the one error exit: it maps err to a status and answers in HTML
// or JSON; an unexpected error is logged once here and shown generically.
func (h *Handler) fail(c *gin.Context, err error) {
	var ve *store.ValidationError
	var ce *store.ConflictError
	var mb *http.MaxBytesError
	switch {
	case errors.Is(err, store.ErrNotFound):
		h.failStatus(c, http.StatusNotFound, "error.not_found", nil)
	case errors.Is(err, store.ErrUnavailable):
		h.log.LogAttrs(c.Request.Context(), slog.LevelError, "storage unavailable",
			slog.String("err", err.Error()), slog.String("request_id", c.GetString("request_id")))
		c.Header("Retry-After", "30")
		h.failStatus(c, http.StatusServiceUnavailable, "error.unavailable", nil)
	case errors.As(err, &mb):
		h.failStatus(c, http.StatusRequestEntityTooLarge, "error.too_large", nil)
	case errors.As(err, &ve):
		status := http.StatusUnprocessableEntity
		if store.IsDuplicate(err) && isAPI(c) {
			status = http.StatusConflict
		}
		h.failStatus(c, status, "register.errors", ve)
	case errors.As(err, &ce):
		key := "error." + ce.Reason
		if !h.localizer(c).Has(key) {
			key = "error.conflict"
		}
		if isAPI(c) {
			c.AbortWithStatusJSON(http.StatusConflict, apiError{Error: h.localizer(c).T(key), Code: ce.Reason})
			return
		}
		h.failStatus(c, http.StatusConflict, key, nil)
	default:
		h.log.LogAttrs(c.Request.Context(), slog.LevelError, "request failed",
			slog.String("err", err.Error()), slog.String("request_id", c.GetString("request_id")))
		h.failStatus(c, http.StatusInternalServerError, "error.server", nil)
	}
}

// apiError is the JSON body of every API error.
type apiError struct {
	Error  string            `json:"error"`
	Code   string            `json:"code,omitempty"`
	Fields map[string]string `json:"fields,omitempty"`
}

func (h *Handler) failStatus(c *gin.Context, status int, key string, ve *store.ValidationError) {
	l := h.localizer(c)
	if isAPI(c) {
		c.AbortWithStatusJSON(status, apiError{Error: l.T(key), Fields: fieldMessages(l, ve)})
		return
	}
	title := l.T("error.title")
	if status == http.StatusNotFound {
		title = l.T("error.not_found.title")
	}
	h.render(c, status, "error", title, l.T(key))
	c.Abort()
}

func fieldMessages(l *i18n.Localizer, ve *store.ValidationError) map[string]string {
	if ve == nil {
		return nil
	}
	out := make(map[string]string, len(ve.Fields))
	for f, m := range ve.Fields {
		out[f] = l.T(m.Key, m.Args...)
	}
	return out
}

// asError is errors.As, for reading in switch cases.
func asError[T error](err error, target *T) bool { return err != nil && errors.As(err, target) }

// afterForm answers a form posted from another page: the messages of a
// validation error or a conflict, or done, are flashed and the browser
// sent back; any other error fails.
func (h *Handler) afterForm(c *gin.Context, err error, done, back string) {
	var ve *store.ValidationError
	var ce *store.ConflictError
	switch {
	case asError(err, &ve):
		for _, m := range fieldMessages(h.localizer(c), ve) {
			h.flash(c, m)
		}
	case errors.As(err, &ce) && h.localizer(c).Has("error."+ce.Reason):
		h.flash(c, h.localizer(c).T("error."+ce.Reason))
	case err != nil:
		h.fail(c, err)
		return
	default:
		h.flash(c, done)
	}
	c.Redirect(http.StatusSeeOther, back)
}
