package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"delegate/i18n"
	"delegate/store"
)

// labels are a registration's codes written out for a reader.
type labels struct {
	Category string
	Country  string
	Hotel    string
	Visit    string
	Fee      string
}

// categoryName is the category's name in lang ("" for none).
func categoryName(s *store.Settings, code, lang string) string {
	cat, _ := s.Category(code)
	return cat.Name.In(lang)
}

func labelsOf(r *store.Registration, s *store.Settings, l *i18n.Localizer) labels {
	v := labels{Country: l.CountryName(r.Country), Category: categoryName(s, r.Category, l.Lang)}
	if ht, ok := s.Hotel(r.Hotel); ok {
		v.Hotel = ht.Name.In(l.Lang)
	}
	if sv, ok := s.StudyVisit(r.StudyVisit); ok {
		v.Visit = sv.Name.In(l.Lang) + " — " + l.DateString(sv.Date)
	}
	if r.Fee.Amount > 0 {
		v.Fee = l.Money(r.Fee.Amount, r.Fee.Currency)
	}
	return v
}

// manageView is the delegate's private page.
type manageView struct {
	R     store.Registration
	Token string
	labels
	Notice  string
	Badge   bool // the badge can be downloaded
	Letter  bool // an invitation letter can be downloaded
	Receipt bool // the fee is paid: a receipt can be downloaded
	// Certificate is set once the delegate can download a certificate of
	// participation: checked in, from the first conference day.
	Certificate bool
	Payable     bool // the fee can be paid online now
	// Owes is set while a fee is due: the page says how to pay it (online
	// when Payable, by transfer when Transfer, at the desk) and offers
	// the pro-forma invoice.
	Owes, Transfer bool
	Invoice        bool // an invoice is issued: it can be downloaded
	// Participants is set when a list of participants is published and
	// the delegate, approved, may download it.
	Participants bool
	// OfferUntil is the deadline of the place offered to the delegate
	// from the waiting list, in venue time ("" with no open offer); City
	// names that time.
	OfferUntil, City string
	// Photo is set when the category asks for a badge photo; HasPhoto
	// when one is on file; PhotoError says why an upload was refused.
	Photo, HasPhoto bool
	PhotoError      string
	// AcceptNotice is a new version of the privacy notice the delegate is
	// asked to accept at this visit (0: none).
	AcceptNotice int
	// ReadOnly is the page shown to an organiser: no buttons, no link.
	ReadOnly bool
}

// registrationByToken finds the registration of the private link in the
// path; a wrong token is a 404.
func (h *Handler) registrationByToken(c *gin.Context) (store.Registration, bool) {
	r, err := h.db.FindRegistrationByToken(c.Request.Context(), c.Param("token"))
	if err != nil {
		h.fail(c, err)
		return r, false
	}
	// The page holds personal data: keep it out of shared caches.
	c.Header("Cache-Control", "no-store")
	speakIn(c, r.Language)
	return r, true
}

func (h *Handler) showManage(c *gin.Context) {
	r, ok := h.registrationByToken(c)
	if !ok {
		return
	}
	l := h.localizer(c)
	v := h.manageViewOf(c, r)
	v.Token = c.Param("token")
	switch {
	case c.Query("created") != "":
		v.Notice = l.T("manage.created", r.Email)
	case c.Query("saved") != "":
		v.Notice = l.T("manage.saved")
	case c.Query("cancelled") != "":
		v.Notice = l.T("manage.cancelled")
	case c.Query("list") == "out":
		v.Notice = l.T("manage.list.left_out")
	case c.Query("list") == "in":
		v.Notice = l.T("manage.list.put_back")
	case c.Query("consent") != "":
		v.Notice = l.T("manage.privacy.accepted")
	case c.Query("erasure") == "asked":
		v.Notice = l.T("manage.erasure.asked")
	case c.Query("photo") == "saved":
		v.Notice = l.T("manage.photo.saved")
	case c.Query("offer") == "accepted":
		v.Notice = l.T("manage.offer.accepted")
	case c.Query("paid") != "" && r.PaymentStatus == store.PaymentPaid:
		v.Notice = l.T("manage.paid")
	case c.Query("paid") != "":
		v.Notice = l.T("manage.paying") // the webhook is on its way
	}
	h.render(c, http.StatusOK, "manage", l.T("manage.title"), v)
}

// manageViewOf is what the private page of r offers, in the page's
// language.
func (h *Handler) manageViewOf(c *gin.Context, r store.Registration) manageView {
	s := h.db.Settings()
	l := h.localizer(c)
	v := manageView{R: r, labels: labelsOf(&r, &s, l), City: s.City.In(l.Lang)}
	if n, ask, err := h.db.NoticeToAccept(c.Request.Context(), r.ID); err == nil && ask {
		v.AcceptNotice = n.Version
	}
	if cat, _ := s.Category(r.Category); cat.Photo && r.Live() {
		v.Photo, v.HasPhoto = true, h.db.HasPhoto(c.Request.Context(), r.ID)
	}
	if r.OfferUntil != nil && h.db.Now().Before(*r.OfferUntil) {
		v.OfferUntil = l.DateTime(r.OfferUntil.In(s.Location()))
	}
	v.Badge = r.Status == store.StatusApproved
	v.Receipt = r.PaymentStatus == store.PaymentPaid
	v.Payable = h.payable(&r)
	v.Owes = owes(&r)
	_, v.Transfer = s.Bank(r.Fee.Currency)
	if invs, err := h.db.Invoices(c.Request.Context(), r.ID); err == nil && len(invs) > 0 {
		v.Invoice = true
	}
	v.Certificate = r.Status == store.StatusApproved && r.CheckedInAt != nil && s.CertificatesOpen(h.db.Now()) &&
		h.db.Attended(c.Request.Context(), r.ID) && !h.db.CertificateRevoked(c.Request.Context(), r.ID)
	if _, err := h.db.CurrentLetter(c.Request.Context(), r.ID); err == nil && r.HasPassport {
		v.Letter = true
	}
	if _, err := h.db.LatestList(c.Request.Context()); err == nil && r.Status == store.StatusApproved {
		v.Participants = true
	}
	return v
}

// liveByToken is registrationByToken for the changes only a live
// registration takes.
func (h *Handler) liveByToken(c *gin.Context) (store.Registration, bool) {
	r, ok := h.registrationByToken(c)
	if ok && !r.Live() {
		h.fail(c, &store.ConflictError{Reason: "not_live"})
		return r, false
	}
	return r, ok
}

func (h *Handler) showEditForm(c *gin.Context) {
	r, ok := h.liveByToken(c)
	if !ok {
		return
	}
	f, err := h.newForm(c, r.Details, &r)
	if err != nil {
		h.fail(c, err)
		return
	}
	f.Action, f.Edit = "/r/"+c.Param("token")+"/edit", true
	h.render(c, http.StatusOK, "register", h.localizer(c).T("manage.edit.title"), f)
}

func (h *Handler) submitEdit(c *gin.Context) {
	r, ok := h.registrationByToken(c)
	if !ok {
		return
	}
	d, err := formDetails(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	_, err = h.db.UpdateRegistration(c.Request.Context(), h.actor(c, "delegate", r.Reference), r.Reference, d)
	if err != nil {
		h.formError(c, "/r/"+c.Param("token")+"/edit", d, &r, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/r/"+c.Param("token")+"?saved=1")
}

func (h *Handler) showCancel(c *gin.Context) {
	r, ok := h.liveByToken(c)
	if !ok {
		return
	}
	h.render(c, http.StatusOK, "cancel", h.localizer(c).T("manage.cancel.title"),
		manageView{R: r, Token: c.Param("token")})
}

// submitListChoice leaves the delegate out of the published list of
// participants ("out") or puts them back ("in").
func (h *Handler) submitListChoice(c *gin.Context) {
	r, ok := h.liveByToken(c)
	if !ok {
		return
	}
	choice, ok := h.listChoice(c, h.actor(c, "delegate", r.Reference), r)
	if !ok {
		return
	}
	c.Redirect(http.StatusSeeOther, "/r/"+c.Param("token")+"?list="+choice)
}

// listChoice applies the posted choice ("out" of the published list of
// participants, or back "in") to r; it has answered when not ok.
func (h *Handler) listChoice(c *gin.Context, actor store.Actor, r store.Registration) (choice string, ok bool) {
	choice = c.PostForm("list")
	if choice != "out" && choice != "in" {
		h.fail(c, &store.ValidationError{Fields: map[string]store.Message{"list": {Key: "error.choice"}}})
		return "", false
	}
	if err := h.db.SetListOptOut(c.Request.Context(), actor, r.Reference, choice == "out"); err != nil {
		h.fail(c, err)
		return "", false
	}
	return choice, true
}

func (h *Handler) submitCancel(c *gin.Context) {
	r, ok := h.registrationByToken(c)
	if !ok {
		return
	}
	_, err := h.db.CancelRegistration(c.Request.Context(), h.actor(c, "delegate", r.Reference), r.Reference, "")
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/r/"+c.Param("token")+"?cancelled=1")
}

// submitAcceptOffer takes the place offered to the delegate from the
// waiting list, while the offer is open.
func (h *Handler) submitAcceptOffer(c *gin.Context) {
	r, ok := h.registrationByToken(c)
	if !ok {
		return
	}
	if _, err := h.db.AcceptOffer(c.Request.Context(), h.actor(c, "delegate", r.Reference), r.Reference); err != nil {
		h.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/r/"+c.Param("token")+"?offer=accepted")
}
