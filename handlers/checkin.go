package handlers

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"delegate/i18n"
	"delegate/store"
)

// checkinBody is the body of POST /api/v1/checkins.
type checkinBody struct {
	Code  string `json:"code"`
	Force bool   `json:"force"`
}

// checkinAnswer is what the API answers to a check-in.
type checkinAnswer struct {
	Registration apiRegistration `json:"registration"`
	CheckedInAt  time.Time       `json:"checked_in_at"`
	Already      bool            `json:"already"`
}

func (h *Handler) postCheckin(c *gin.Context) {
	var b checkinBody
	if !h.decodeJSON(c, &b) {
		return
	}
	if b.Force && !store.RoleAtLeast(c.GetString("role"), "admin") {
		h.failStatus(c, http.StatusForbidden, "error.forbidden", nil)
		return
	}
	res, err := h.db.CheckIn(c.Request.Context(), caller(c), store.CheckinRequest{Code: b.Code, Force: b.Force})
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, checkinAnswer{Registration: toAPI(res.Registration), CheckedInAt: res.At, Already: res.Already})
}

// deskView is the check-in desk page: the last scan's outcome and a search.
type deskView struct {
	Outcome string // "ok", "again", "warn" or "stop"
	Message string
	R       *store.Registration
	Labels  labels
	// Code or Reference is what was checked in; on a refusal with Retry
	// the page posts it again, to check in anyway or take the fee.
	Code, Reference string
	Retry           bool
	Q               string
	Found           []store.Registration
	CanForce        bool
	CanTake         bool // may take the fee at the desk (finance)
	Due             bool // refused because the fee is due
	L               *i18n.Localizer
	// Desk is this desk's name ("" until it picks one); Print makes it
	// print a badge never printed at the first check-in, in Layout.
	Desk   string
	Print  bool
	Layout string
	// Recent are the desk's last scans; Zone is the venue's time zone,
	// for the desk's own clock offline.
	Recent []scanLine
	Zone   string
	// HasPhoto: the delegate shown has a photo, to compare with the face.
	HasPhoto bool
	// Texts are what the desk's script says, in the page's language (JSON).
	Texts string
}

// deskTexts are the messages the desk's script shows, by its own names.
var deskTexts = map[string]string{
	"ok": "admin.checkin.ok", "already": "admin.checkin.again", "unknown": "admin.checkin.unknown",
	"revoked_badge": "admin.checkin.revoked_badge", "not_approved": "admin.checkin.not_approved",
	"payment_due": "admin.checkin.payment_due", "not_live": "admin.desk.not_live", "force": "admin.checkin.force",
	"print": "admin.checkin.print", "checkin": "admin.checkin.submit", "online": "admin.desk.online",
	"offline": "admin.desk.offline", "waiting": "admin.desk.waiting", "roster": "admin.desk.roster",
	"camera": "admin.desk.camera", "camera_stop": "admin.desk.camera_stop", "queued": "admin.desk.queued",
	"none": "admin.desk.none", "from_roster": "admin.desk.from_roster", "fee": "admin.desk.fee",
	"signed_out": "admin.desk.signed_out", "photo_alt": "manage.photo.alt", "photo_take": "admin.photo.take",
	"photo_capture": "admin.photo.capture", "photo_saved": "admin.photo.saved", "photo_offline": "admin.photo.offline",
}

// scanLine is a scan on the desk's list.
type scanLine struct {
	store.DeskScan
	Time, Message string
}

// deskViewOf is the desk page's frame: its name, its choice, its texts.
func (h *Handler) deskViewOf(c *gin.Context) deskView {
	l, s := h.localizer(c), h.db.Settings()
	role := c.GetString("role")
	v := deskView{L: l, Zone: s.TimeZone, CanForce: store.RoleAtLeast(role, "admin"), CanTake: store.RoleAtLeast(role, "finance")}
	v.Desk, v.Layout = desk(c)
	v.Print = v.Layout != ""
	texts := make(map[string]string, len(deskTexts))
	for name, key := range deskTexts {
		texts[name] = l.T(key)
	}
	b, _ := json.Marshal(texts)
	v.Texts = string(b)
	return v
}

// addRecent puts the desk's last 20 scans on v.
func (h *Handler) addRecent(c *gin.Context, v *deskView) error {
	if v.Desk == "" {
		return nil
	}
	s := h.db.Settings()
	scans, err := h.db.RecentScans(c.Request.Context(), v.Desk, 20)
	for _, sc := range scans {
		v.Recent = append(v.Recent, scanLineOf(v.L, &s, sc, "15:04:05"))
	}
	return err
}

// scanLineOf is a recorded scan in words, its time in venue time written
// with layout.
func scanLineOf(l *i18n.Localizer, s *store.Settings, sc store.DeskScan, layout string) scanLine {
	res := store.ScanResult{Outcome: sc.Outcome, Reason: sc.Reason, Registration: sc.Registration}
	return scanLine{DeskScan: sc, Time: sc.At.In(s.Location()).Format(layout), Message: scanMessage(l, res)}
}

func (h *Handler) showDesk(c *gin.Context) {
	v := h.deskViewOf(c)
	if err := h.addRecent(c, &v); err != nil {
		h.fail(c, err)
		return
	}
	v.Q = strings.TrimSpace(c.Query("q"))
	if v.Q != "" {
		list, _, err := h.db.FindRegistrations(c.Request.Context(), store.Filter{Q: v.Q, Sort: "name", PerPage: 20})
		if err != nil {
			h.fail(c, err)
			return
		}
		v.Found = list
	}
	h.render(c, http.StatusOK, "checkin", h.localizer(c).T("admin.checkin.title"), v)
}

// submitDesk checks in a scanned code, or the registration chosen from a
// search, and shows green, amber or red: the page without script.
func (h *Handler) submitDesk(c *gin.Context) {
	l := h.localizer(c)
	v := h.deskViewOf(c)
	if v.Desk == "" {
		h.flash(c, l.T("error.desk"))
		c.Redirect(http.StatusSeeOther, "/admin/checkin")
		return
	}
	v.Code, v.Reference = strings.TrimSpace(c.PostForm("code")), c.PostForm("reference")
	sc := store.Scan{ID: newScanID(), Code: v.Code, Reference: v.Reference, At: h.db.Now(),
		Force: c.PostForm("force") != "" && v.CanForce}
	if c.PostForm("paid") != "" && v.CanTake {
		sc.Fee = store.PaymentPaid // the delegate pays at the desk: recorded, then checked in
	}
	results, err := h.db.ScanAt(c.Request.Context(), caller(c), v.Desk, []store.Scan{sc})
	if err != nil {
		h.fail(c, err)
		return
	}
	res := results[0]
	v.Message = scanMessage(l, res)
	status := http.StatusOK
	switch res.Outcome {
	case store.ScanOK:
		v.Outcome = "ok"
	case store.ScanAlready:
		v.Outcome = "again"
	case store.ScanWarn:
		v.Outcome, v.Retry, status = "warn", true, http.StatusConflict
		v.Due = res.Reason == "payment_due"
		if v.Due && !v.CanTake {
			v.Message += " " + l.T("admin.checkin.payment_elsewhere")
		}
	default:
		v.Outcome, status = "stop", http.StatusConflict
		if res.Reason == "unknown" {
			status = http.StatusNotFound
		}
	}
	if res.Registration != nil {
		s := h.db.Settings()
		v.R = res.Registration
		v.Labels = labelsOf(v.R, &s, l)
		v.HasPhoto = h.db.HasPhoto(c.Request.Context(), v.R.ID)
	}
	if err := h.addRecent(c, &v); err != nil { // this scan first
		h.fail(c, err)
		return
	}
	h.render(c, status, "checkin", l.T("admin.checkin.title"), v)
}

// newScanID is the id of a scan made on the page without script.
func newScanID() string {
	b := make([]byte, 12)
	rand.Read(b)
	return "form-" + hex.EncodeToString(b)
}
