package handlers

import (
	"bytes"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"delegate/i18n"
	"delegate/pdf"
	"delegate/store"
)

// letterPage writes the invitation letter of r in lang.
func (h *Handler) letterPage(r store.Registration, letter store.Letter, s *store.Settings, lang string, signature []byte) pdf.LetterPage {
	l := i18n.For(lang)
	name := s.Name.In(lang)
	issued := l.Date(letter.IssuedAt.In(s.Location()))
	cat, _ := s.Category(r.Category)
	dob, exp := "", ""
	if d, err := store.ParseDate(r.DateOfBirth); err == nil {
		dob = l.Date(d)
	}
	if d, err := store.ParseDate(r.PassportExpiry); err == nil {
		exp = l.Date(d)
	}
	verify := h.baseURL + "/verify/" + h.db.LetterCode(letter.Serial)
	sec := s.Secretariat
	return pdf.LetterPage{
		Lang:       lang,
		EventShort: s.ShortName,
		EventName:  name,
		Theme:      s.Theme.In(lang),
		Organiser:  s.Organiser.In(lang),
		Serial:     l.T("letter.serial", letter.Serial, r.Reference),
		Place:      l.T("letter.place", issued),
		To:         l.T("letter.to"),
		Subject:    l.T("letter.subject", name),
		Opening:    l.T("letter.opening"),
		Paragraphs: []string{l.T("letter.invite", name, s.Venue.In(lang), l.DateRange(s.Start(), s.End()), s.Theme.In(lang))},
		Facts: [][2]string{
			{l.T("letter.fact.passport_name"), letter.Name},
			{l.T("field.nationality"), l.CountryName(letter.Nationality)},
			{l.T("field.date_of_birth"), dob},
			{l.T("field.passport_number"), r.PassportNumber},
			{l.T("letter.fact.expiry"), exp},
			{l.T("field.job_title"), r.JobTitle},
			{l.T("field.organisation"), r.Organisation},
		},
		After:      []string{cat.CostsCovered.In(lang), l.T("letter.request"), l.T("letter.contact", sec.Email, sec.Phone)},
		Closing:    l.T("letter.closing"),
		Signatory:  s.Signatory.Name,
		SignTitle:  s.Signatory.Title.In(lang),
		Signature:  signature,
		Footer:     []string{sec.Line(lang), l.T("footer.tel") + " " + sec.Phone + " · " + l.T("footer.fax") + " " + sec.Fax + " · " + sec.Email + " · " + sec.Website},
		VerifyURL:  verify,
		VerifyNote: l.T("letter.verify", h.baseURL+"/verify"),
		VerifyCode: l.T("verify.serial") + " " + letter.Serial + " · " + l.T("letter.code", h.db.LetterShortCode(letter.Serial)),
	}
}

// myLetter is the delegate's invitation letter: in their language, and in
// Spanish too for Mexican consulates.
func (h *Handler) myLetter(c *gin.Context) {
	if r, ok := h.registrationByToken(c); ok {
		h.letterPDF(c, r)
	}
}

// adminLetter is a delegate's current letter for an organiser.
func (h *Handler) adminLetter(c *gin.Context) {
	r, err := h.db.FindRegistration(c.Request.Context(), c.Param("reference"))
	if err == nil {
		err = h.db.Looked(c.Request.Context(), caller(c), store.AccessLetter, r.ID, nil)
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	h.letterPDF(c, r)
}

// letterPDF sends r's current letter, in their language with a Spanish
// copy, or 404 when there is none.
func (h *Handler) letterPDF(c *gin.Context, r store.Registration) {
	letter, err := h.db.CurrentLetter(c.Request.Context(), r.ID)
	if err != nil || !r.HasPassport {
		h.fail(c, store.ErrNotFound)
		return
	}
	s := h.db.Settings()
	sig, err := h.db.Signature(c.Request.Context())
	if err != nil {
		h.fail(c, err)
		return
	}
	pages := []pdf.LetterPage{h.letterPage(r, letter, &s, r.Language, sig)}
	if r.Language != "es" {
		es := h.letterPage(r, letter, &s, "es", sig)
		es.Copy = i18n.For("es").T("letter.copy")
		pages = append(pages, es)
	}
	h.sendPDF(c, "letter-"+letter.Serial+".pdf", func(b *bytes.Buffer) error { return pdf.WriteLetter(b, pages) })
}

// verifyView is what a consulate reads about a letter: the form, then
// the letter found and, when a passport number was typed, whether it is
// the one on file. The number itself is never written back.
type verifyView struct {
	Serial, Code string
	Found        bool
	Check        store.LetterCheck
	Country      string
	Issued       string
	Dates        string
	Error        string
}

// showVerifyForm is /verify: a form for the serial and code printed on a
// letter.
func (h *Handler) showVerifyForm(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	h.render(c, http.StatusOK, "verify", h.localizer(c).T("verify.title"), verifyView{})
}

// verifyLetter is /verify/{code}, where a letter's QR leads.
func (h *Handler) verifyLetter(c *gin.Context) {
	check, err := h.db.VerifyLetterCode(c.Request.Context(), c.Param("code"))
	if err != nil {
		h.fail(c, err)
		return
	}
	h.showVerified(c, http.StatusOK, check, check.Serial, h.db.LetterShortCode(check.Serial))
}

// submitVerify checks a serial and code typed from paper, and optionally
// the passport number the officer holds. It is rate-limited.
func (h *Handler) submitVerify(c *gin.Context) {
	serial, code := strings.TrimSpace(c.PostForm("serial")), strings.TrimSpace(c.PostForm("code"))
	check, err := h.db.VerifyLetter(c.Request.Context(), serial, code, c.PostForm("passport"))
	if err == store.ErrNotFound {
		l := h.localizer(c)
		c.Header("Cache-Control", "no-store")
		h.render(c, http.StatusNotFound, "verify", l.T("verify.title"),
			verifyView{Serial: serial, Code: code, Error: l.T("verify.not_found")})
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	h.showVerified(c, http.StatusOK, check, check.Serial, code)
}

func (h *Handler) showVerified(c *gin.Context, status int, check store.LetterCheck, serial, code string) {
	l := h.localizer(c)
	s := h.db.Settings()
	v := verifyView{Serial: serial, Code: code, Found: true, Check: check, Country: l.CountryName(check.Nationality),
		Issued: l.Date(check.IssuedAt.In(s.Location()))}
	start, _ := store.ParseDate(check.StartDate)
	end, _ := store.ParseDate(check.EndDate)
	v.Dates = l.DateRange(start, end)
	c.Header("Cache-Control", "no-store")
	h.render(c, status, "verify", l.T("verify.title"), v)
}

// lettersView is the organisers' letter queue, by where each letter
// stands.
type lettersView struct {
	States      []string
	ByState     map[string][]store.Registration
	Issued      []store.Letter
	Refs        map[int64]string
	NoSignatory bool
	CanDecide   bool
	Shown       int            // rows shown in each list; the rest are a link away
	More        map[string]int // how many rows of each list are not shown
}

func (h *Handler) showLetters(c *gin.Context) {
	ctx := c.Request.Context()
	queue, err := h.db.LetterQueue(ctx)
	if err != nil {
		h.fail(c, err)
		return
	}
	v := lettersView{States: store.LetterStates, ByState: queue, Refs: map[int64]string{},
		NoSignatory: h.db.Settings().Signatory.Name == "", CanDecide: store.RoleAtLeast(c.GetString("role"), "admin"),
		Shown: 40}
	v.More = map[string]int{}
	for st, list := range queue {
		v.More[st] = max(len(list)-v.Shown, 0)
		for _, r := range list {
			v.Refs[r.ID] = r.Reference
		}
	}
	if v.Issued, err = h.db.FindLetters(ctx, 100); err != nil {
		h.fail(c, err)
		return
	}
	h.render(c, http.StatusOK, "letters", h.localizer(c).T("admin.letters.title"), v)
}

// issueLetter and refuseLetter are an organiser's word on a letter.
func (h *Handler) issueLetter(c *gin.Context) {
	_, err := h.db.IssueLetter(c.Request.Context(), caller(c), c.Param("reference"))
	h.afterLetter(c, err, "admin.letters.done_issued")
}

func (h *Handler) refuseLetter(c *gin.Context) {
	_, err := h.db.RefuseLetter(c.Request.Context(), caller(c), c.Param("reference"), c.PostForm("reason"))
	h.afterLetter(c, err, "admin.letters.done_refused")
}

func (h *Handler) afterLetter(c *gin.Context, err error, done string) {
	l := h.localizer(c)
	var ce *store.ConflictError
	switch {
	case err == nil:
		h.flash(c, l.T(done))
	case asError(err, &ce):
		h.flash(c, l.T("error."+ce.Reason))
	default:
		h.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/admin/letters")
}
