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
func (h *Handler) letterPage(r store.Registration, letter store.Letter, s *store.Settings, lang string) pdf.LetterPage {
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
			{l.T("letter.fact.name"), letter.Name},
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
		Footer:     []string{sec.Name + ", " + sec.Address, l.T("footer.tel") + " " + sec.Phone + " · " + l.T("footer.fax") + " " + sec.Fax + " · " + sec.Email + " · " + sec.Website},
		VerifyURL:  verify,
		VerifyNote: l.T("letter.verify", strings.TrimPrefix(strings.TrimPrefix(h.baseURL, "https://"), "http://")+"/verify"),
	}
}

// myLetter is the delegate's invitation letter: in their language, and in
// Spanish too for Mexican consulates.
func (h *Handler) myLetter(c *gin.Context) {
	r, ok := h.registrationByToken(c)
	if !ok {
		return
	}
	letter, err := h.db.CurrentLetter(c.Request.Context(), r.ID)
	if err != nil || !r.HasPassport {
		h.fail(c, store.ErrNotFound)
		return
	}
	s := h.db.Settings()
	pages := []pdf.LetterPage{h.letterPage(r, letter, &s, r.Language)}
	if r.Language != "es" {
		es := h.letterPage(r, letter, &s, "es")
		es.Copy = i18n.For("es").T("letter.copy")
		pages = append(pages, es)
	}
	h.sendPDF(c, "letter-"+letter.Serial+".pdf", func(b *bytes.Buffer) error { return pdf.WriteLetter(b, pages) })
}

// verifyView is what a consulate reads about a letter.
type verifyView struct {
	Letter    store.Letter
	Reference string
	Country   string
	Issued    string
	Dates     string
}

// verifyLetter answers whether a letter is genuine, and current. It never
// shows the passport number.
func (h *Handler) verifyLetter(c *gin.Context) {
	letter, ref, err := h.db.VerifyLetter(c.Request.Context(), c.Param("code"))
	if err != nil {
		h.fail(c, err)
		return
	}
	l := h.localizer(c)
	s := h.db.Settings()
	v := verifyView{Letter: letter, Reference: ref, Country: l.CountryName(letter.Nationality),
		Issued: l.Date(letter.IssuedAt.In(s.Location()))}
	start, _ := store.ParseDate(letter.StartDate)
	end, _ := store.ParseDate(letter.EndDate)
	v.Dates = l.DateRange(start, end)
	c.Header("Cache-Control", "no-store")
	h.render(c, http.StatusOK, "verify", l.T("verify.title"), v)
}

// lettersView is the organisers' letter queue.
type lettersView struct {
	WaitingApproval []store.Registration
	WaitingPayment  []store.Registration
	Issued          []store.Letter
	Refs            map[int64]string
}

func (h *Handler) showLetters(c *gin.Context) {
	ctx := c.Request.Context()
	all, _, err := h.db.FindRegistrations(ctx, store.Filter{Letter: "yes", Sort: "oldest"})
	if err != nil {
		h.fail(c, err)
		return
	}
	v := lettersView{Refs: map[int64]string{}}
	for _, r := range all {
		v.Refs[r.ID] = r.Reference
		switch {
		case r.Status == store.StatusPending || r.Status == store.StatusWaitlisted:
			v.WaitingApproval = append(v.WaitingApproval, r)
		case r.Status == store.StatusApproved && !store.LetterDue(&r):
			v.WaitingPayment = append(v.WaitingPayment, r)
		}
	}
	if v.Issued, err = h.db.FindLetters(ctx, 500); err != nil {
		h.fail(c, err)
		return
	}
	h.render(c, http.StatusOK, "letters", h.localizer(c).T("admin.letters.title"), v)
}
