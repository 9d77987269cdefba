package handlers

// The desk that keeps working offline: its name, the roster it keeps, the
// scans it sends (at once, or queued while the network is gone), the
// badge it prints at the scan, and the files that make it an installable
// web app.

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"delegate/i18n"
	"delegate/pdf"
	"delegate/static"
	"delegate/store"
)

// The desk's cookies: its name and the layout it prints at the scan ("0":
// none).
const (
	deskCookie      = "delegate_desk"
	deskPrintCookie = "delegate_desk_print"
)

// rosterPage is how many roster entries one answer carries.
const rosterPage = 2000

// deskLayouts are the layouts a desk prints at the scan: one badge a
// page, on A6 paper or on a card.
var deskLayouts = []string{pdf.A6, pdf.CR80}

// desk is the name this browser's desk picked, and the layout in which
// it prints a badge never printed at the first check-in ("" when it does
// not print at the scan).
func desk(c *gin.Context) (name, layout string) {
	name, _ = c.Cookie(deskCookie) // gin unescapes it
	switch p, _ := c.Cookie(deskPrintCookie); {
	case p == "1": // as kept before a desk chose its layout
		layout = pdf.A6
	case slices.Contains(deskLayouts, p):
		layout = p
	}
	return strings.TrimSpace(name), layout
}

// submitDeskName keeps the desk's name and its printing choice in this
// browser, for a year.
func (h *Handler) submitDeskName(c *gin.Context) {
	name, err := store.CheckDesk(c.PostForm("desk"))
	if err != nil {
		h.afterForm(c, err, "", "/admin/checkin")
		return
	}
	print := "0"
	if c.PostForm("print") != "" {
		print = pdf.A6
		if l := c.PostForm("layout"); slices.Contains(deskLayouts, l) {
			print = l
		}
	}
	for k, v := range map[string]string{deskCookie: name, deskPrintCookie: print} {
		http.SetCookie(c.Writer, &http.Cookie{Name: k, Value: url.QueryEscape(v), Path: "/admin", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: h.secureCookies()})
	}
	c.Redirect(http.StatusSeeOther, "/admin/checkin")
}

// rosterEntry is a registration as the desk keeps it, in short keys: a
// roster of 5,000 is a download of its own.
type rosterEntry struct {
	Ref      string `json:"r"`
	Status   string `json:"st"`
	Name     string `json:"n,omitempty"`
	Search   string `json:"q,omitempty"` // names, organisation and reference, folded
	Org      string `json:"o,omitempty"`
	Country  string `json:"c,omitempty"`
	Category string `json:"k,omitempty"`
	Payment  string `json:"p,omitempty"`
	Fee      string `json:"f,omitempty"` // the fee, while unpaid
	Letter   string `json:"l,omitempty"`
	Version  int    `json:"v,omitempty"`
	Hash     string `json:"h,omitempty"`
	LastDay  string `json:"d,omitempty"`
	Printed  int    `json:"pr,omitempty"`
	Photo    bool   `json:"ph,omitempty"` // a photo is on file
	AskPhoto bool   `json:"pp,omitempty"` // the category asks for one
}

// rosterAnswer is a page of the roster's changes.
type rosterAnswer struct {
	Next    int64         `json:"next"`
	More    bool          `json:"more"`
	Day     string        `json:"day"` // today in venue time
	Entries []rosterEntry `json:"entries"`
}

// roster answers the registrations changed after the cursor ?after=:
// what a desk needs to answer scans and names offline, never passport
// data nor a check-in code (its hash).
func (h *Handler) roster(c *gin.Context) {
	after, err := strconv.ParseInt(c.DefaultQuery("after", "0"), 10, 64)
	if err != nil || after < 0 {
		h.failStatus(c, http.StatusUnprocessableEntity, "error.number", nil)
		return
	}
	p, err := h.db.Roster(c.Request.Context(), after, rosterPage)
	if err != nil {
		h.fail(c, err)
		return
	}
	l, s := h.localizer(c), h.db.Settings()
	out := rosterAnswer{Next: p.Next, More: p.More, Day: h.db.Now().In(s.Location()).Format(store.DateLayout),
		Entries: make([]rosterEntry, 0, len(p.Entries))}
	for _, e := range p.Entries {
		out.Entries = append(out.Entries, rosterEntryOf(l, &s, &e))
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, out)
}

func rosterEntryOf(l *i18n.Localizer, s *store.Settings, e *store.RosterEntry) rosterEntry {
	r := &e.Registration
	if !r.Live() {
		return rosterEntry{Ref: r.Reference, Status: r.Status} // all a desk needs to say no
	}
	lb := labelsOf(r, s, l)
	name := r.NameOnBadge()
	if r.Title != "" {
		name = l.T("title."+r.Title) + " " + name
	}
	out := rosterEntry{Ref: r.Reference, Status: r.Status, Name: name, Org: r.Organisation, Country: lb.Country,
		Category: lb.Category, Payment: r.PaymentStatus, Letter: r.LetterState(), Version: r.BadgeVersion,
		Hash: e.CodeHash, LastDay: e.LastDay, Printed: r.BadgePrintedCount, Photo: e.HasPhoto,
		Search: store.Fold(strings.Join([]string{r.GivenNames, r.FamilyName, r.BadgeName, r.Organisation, r.Reference}, " "))}
	if r.PaymentStatus == store.PaymentUnpaid {
		out.Fee = lb.Fee
	}
	if cat, ok := s.Category(r.Category); ok {
		out.AskPhoto = cat.Photo
	}
	return out
}

// syncBody is a desk's batch of scans.
type syncBody struct {
	Desk  string       `json:"desk"`
	Scans []store.Scan `json:"scans"`
}

// syncResult is a scan's outcome as the desk shows it.
type syncResult struct {
	store.ScanResult
	Message string `json:"message"`
	Name    string `json:"name,omitempty"`
}

// sync applies a desk's scans, each once, and answers each one's outcome
// in words. Only organisers may check in past an amber answer.
func (h *Handler) sync(c *gin.Context) {
	var b syncBody
	if !h.decodeJSON(c, &b) {
		return
	}
	if !store.RoleAtLeast(c.GetString("role"), "admin") {
		for i := range b.Scans {
			b.Scans[i].Force = false
		}
	}
	if name, _ := desk(c); b.Desk == "" {
		b.Desk = name
	}
	results, err := h.db.ScanAt(c.Request.Context(), caller(c), b.Desk, b.Scans)
	if err != nil {
		h.fail(c, err)
		return
	}
	l := h.localizer(c)
	out := make([]syncResult, 0, len(results))
	for _, res := range results {
		sr := syncResult{ScanResult: res, Message: scanMessage(l, res)}
		if res.Registration != nil {
			sr.Name = res.Registration.NameOnBadge()
		}
		out = append(out, sr)
	}
	c.JSON(http.StatusOK, gin.H{"results": out})
}

// scanMessage is what the desk says of a scan's outcome.
func scanMessage(l *i18n.Localizer, res store.ScanResult) string {
	switch {
	case res.Outcome == store.ScanOK:
		return l.T("admin.checkin.ok")
	case res.Outcome == store.ScanAlready:
		return l.T("admin.checkin.again")
	case res.Reason == "not_live" && res.Registration != nil:
		return l.T("admin.checkin.not_live", strings.ToLower(l.T("status."+res.Registration.Status)))
	}
	return l.T("admin.checkin." + res.Reason)
}

// badgePrinted counts the badge of a registration printed: the desk that
// prints at the scan posts it once the badge is open to print.
func (h *Handler) badgePrinted(c *gin.Context) {
	r, err := h.db.FindRegistration(c.Request.Context(), c.Param("reference"))
	if err == nil {
		err = h.db.MarkBadgesPrinted(c.Request.Context(), []int64{r.ID})
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// deskWorker serves the desk's service worker from /admin/, so that it may
// look after /admin/checkin and nothing else.
func deskWorker(c *gin.Context) {
	c.Header("Cache-Control", "no-cache") // a new version is picked up at the next visit
	c.Header("Content-Type", "text/javascript; charset=utf-8")
	c.FileFromFS("desk-sw.js", http.FS(static.FS))
}

// deskManifest makes the desk page an installable app.
func (h *Handler) deskManifest(c *gin.Context) {
	l := h.localizer(c)
	c.Header("Content-Type", "application/manifest+json")
	c.Header("Cache-Control", "public, max-age=3600")
	c.JSON(http.StatusOK, gin.H{
		"name":             h.db.Settings().ShortName + " · " + l.T("admin.checkin.title"),
		"short_name":       l.T("admin.checkin.title"),
		"start_url":        "/admin/checkin",
		"scope":            "/admin/checkin",
		"display":          "standalone",
		"background_color": "#f4f1ea",
		"theme_color":      "#0b5f6b",
		"lang":             l.Lang,
		"icons":            []gin.H{{"src": "/static/desk-icon.svg", "sizes": "any", "type": "image/svg+xml"}},
	})
}
