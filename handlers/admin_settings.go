package handlers

import (
	"cmp"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"delegate/i18n"
	"delegate/store"
)

// settingsView is the settings form: every value as text by field name, so
// that what was typed comes back as typed.
type settingsView struct {
	V          map[string]string
	Errors     map[string]string
	Categories []int // row numbers
	Hotels     []int
	Visits     []int
	Langs      []string
	// Confirm asks for a second press, saying what saving sets off (new
	// dates email every delegate and reissue the letters).
	Confirm string
	// Page is the page of the settings: "" for the conference, "places"
	// for hotels and study visits, "money" for bank accounts and payment
	// terms (one page would be over the 30 KB a page may weigh).
	Page  string
	Banks []int
	// HasSignature is set when a signature image is kept.
	HasSignature bool
}

// Places reports whether this is the page of hotels and study visits.
func (v settingsView) Places() bool { return v.Page == "places" }

// Money reports whether this is the page of bank accounts and payment terms.
func (v settingsView) Money() bool { return v.Page == "money" }

// Val returns the value of field.
func (v settingsView) Val(field string) string { return v.V[field] }

// Err returns the message for field.
func (v settingsView) Err(field string) string { return v.Errors[field] }

// F builds a row field's name: F "categories" 2 "fee" is "categories.2.fee".
func (v settingsView) F(list string, i int, name string) string {
	return list + "." + strconv.Itoa(i) + "." + name
}

func rows(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

func settingsValues(s store.Settings) settingsView {
	v := map[string]string{}
	text := func(prefix string, t store.Text) {
		v[prefix+".en"], v[prefix+".es"], v[prefix+".fr"] = t.En, t.Es, t.Fr
	}
	text("name", s.Name)
	text("theme", s.Theme)
	text("organiser", s.Organiser)
	text("city", s.City)
	text("venue", s.Venue)
	text("signatory.title", s.Signatory.Title)
	v["short_name"], v["start_date"], v["end_date"], v["time_zone"] = s.ShortName, s.StartDate, s.EndDate, s.TimeZone
	v["capacity"], v["currency"] = strconv.Itoa(s.Capacity), s.Currency
	if s.NoteVerbaleFirst {
		v["note_verbale_first"] = "on"
	}
	if s.SecondFactorRequired {
		v["second_factor_required"] = "on"
	}
	v["passport_retention_days"] = strconv.Itoa(s.PassportRetentionDays)
	v["health_retention_days"], v["inactive_retention_days"] = strconv.Itoa(s.HealthRetentionDays), strconv.Itoa(s.InactiveRetentionDays)
	v["accounting_retention_years"], v["contact_retention_days"] = strconv.Itoa(s.AccountingRetentionYears), strconv.Itoa(s.ContactRetentionDays)
	v["offer_hours"] = strconv.Itoa(s.OfferHours)
	v["registration_opens"], v["registration_closes"] = s.RegistrationOpens, s.RegistrationCloses
	v["signatory.name"] = s.Signatory.Name
	sec := s.Secretariat
	text("secretariat.name", sec.Name)
	text("secretariat.address", sec.Address)
	v["secretariat.phone"] = sec.Phone
	v["secretariat.fax"], v["secretariat.email"], v["secretariat.website"] = sec.Fax, sec.Email, sec.Website
	for i, c := range s.Categories {
		p := "categories." + strconv.Itoa(i) + "."
		text(p+"name", c.Name)
		v[p+"code"], v[p+"colour"], v[p+"early_deadline"] = c.Code, c.Colour, c.EarlyDeadline
		v[p+"fee"], v[p+"early_fee"] = i18n.PlainAmount(c.Fee, s.Currency), i18n.PlainAmount(c.EarlyFee, s.Currency)
		if c.Restricted {
			v[p+"restricted"] = "on"
		}
		if c.NeedsApproval {
			v[p+"needs_approval"] = "on"
		}
		if c.Photo {
			v[p+"photo"] = "on"
		}
	}
	for i, ht := range s.Hotels {
		p := "hotels." + strconv.Itoa(i) + "."
		text(p+"name", ht.Name)
		text(p+"address", ht.Address)
		v[p+"code"], v[p+"rooms"] = ht.Code, strconv.Itoa(ht.Rooms)
	}
	for i, sv := range s.StudyVisits {
		p := "study_visits." + strconv.Itoa(i) + "."
		text(p+"name", sv.Name)
		v[p+"code"], v[p+"date"], v[p+"capacity"] = sv.Code, sv.Date, strconv.Itoa(sv.Capacity)
	}
	for i, b := range s.BankAccounts {
		p := "bank_accounts." + strconv.Itoa(i) + "."
		v[p+"code"], v[p+"holder"], v[p+"account"], v[p+"bic"], v[p+"bank"] = b.Currency, b.Holder, b.Account, b.BIC, b.Bank
	}
	v["bank_accounts.count"] = strconv.Itoa(len(s.BankAccounts) + 1)
	v["payment_deadline"], v["issuer_tax_id"] = s.PaymentDeadline, s.IssuerTaxID
	v["categories.count"] = strconv.Itoa(len(s.Categories) + 1)
	v["hotels.count"] = strconv.Itoa(len(s.Hotels) + 1)
	v["study_visits.count"] = strconv.Itoa(len(s.StudyVisits) + 1)
	return viewOf(v)
}

func viewOf(v map[string]string) settingsView {
	count := func(k string) int { n, _ := strconv.Atoi(v[k]); return min(max(n, 0), 200) }
	return settingsView{V: v, Categories: rows(count("categories.count")), Hotels: rows(count("hotels.count")),
		Visits: rows(count("study_visits.count")), Banks: rows(count("bank_accounts.count")), Langs: []string{"en", "es", "fr"}}
}

func (h *Handler) showSettings(c *gin.Context) { h.showSettingsPage(c, "") }

func (h *Handler) showPlaces(c *gin.Context) { h.showSettingsPage(c, "places") }

func (h *Handler) showMoney(c *gin.Context) { h.showSettingsPage(c, "money") }

func (h *Handler) showSettingsPage(c *gin.Context, page string) {
	v := settingsValues(h.db.Settings())
	v.Page = page
	h.renderSettings(c, http.StatusOK, v)
}

// renderSettings shows the settings page with v.
func (h *Handler) renderSettings(c *gin.Context, status int, v settingsView) {
	sig, err := h.db.Signature(c.Request.Context())
	if err != nil {
		h.fail(c, err)
		return
	}
	v.HasSignature = sig != nil
	h.render(c, status, "settings", h.localizer(c).T("admin.settings.title"), v)
}

func (h *Handler) submitSettings(c *gin.Context) { h.submitSettingsPage(c, "") }

func (h *Handler) submitPlaces(c *gin.Context) { h.submitSettingsPage(c, "places") }

func (h *Handler) submitMoney(c *gin.Context) { h.submitSettingsPage(c, "money") }

// submitSettingsPage saves one page of the settings: the conference, its
// categories and contacts, (places) its hotels and study visits, or
// (money) its bank accounts and payment terms.
func (h *Handler) submitSettingsPage(c *gin.Context, page string) {
	if err := c.Request.ParseForm(); err != nil {
		h.fail(c, err)
		return
	}
	form := map[string]string{}
	for k, vs := range c.Request.PostForm {
		form[k] = vs[0]
	}
	view := viewOf(form)
	view.Page = page
	s, ve, rowOf := parseSettings(h.db.Settings(), form, view)
	if ve.Err() == nil && form["confirm"] != "dates" && h.db.DatesChanged(s) && s.Validate() == nil {
		d, err := h.db.DateChangeConsequences(c.Request.Context())
		if err != nil {
			h.fail(c, err)
			return
		}
		view.Confirm = h.localizer(c).T("admin.settings.confirm_dates", d.Emailed, d.LettersReissued)
		h.renderSettings(c, http.StatusOK, view)
		return
	}
	if ve.Err() == nil {
		_, err := h.db.UpdateSettings(c.Request.Context(), caller(c), s)
		if err == nil {
			h.flash(c, h.localizer(c).T("admin.settings.saved"))
			c.Redirect(http.StatusSeeOther, c.Request.URL.Path)
			return
		}
		if !asError(err, &ve) {
			h.fail(c, err)
			return
		}
	}
	// messages go to the row as the form numbers it, removed rows counted
	errs := &store.ValidationError{}
	for field, m := range ve.Fields {
		parts := strings.SplitN(field, ".", 3)
		if len(parts) == 3 {
			if i, err := strconv.Atoi(parts[1]); err == nil && i < len(rowOf[parts[0]]) {
				field = parts[0] + "." + strconv.Itoa(rowOf[parts[0]][i]) + "." + parts[2]
			}
		}
		errs.Add(field, m.Key, m.Args...)
	}
	view.Errors = fieldMessages(h.localizer(c), errs)
	h.renderSettings(c, http.StatusUnprocessableEntity, view)
}

// parseSettings reads one page of the settings form (view.Places or the
// rest) over the current settings: rows with an empty code or ticked for
// removal are left out; rowOf maps each list's entries back to their form
// rows.
func parseSettings(cur store.Settings, f map[string]string, view settingsView) (store.Settings, *store.ValidationError, map[string][]int) {
	ve := &store.ValidationError{}
	s := cur
	text := func(prefix string) store.Text {
		return store.Text{En: strings.TrimSpace(f[prefix+".en"]), Es: strings.TrimSpace(f[prefix+".es"]), Fr: strings.TrimSpace(f[prefix+".fr"])}
	}
	number := func(field string) int {
		n, err := strconv.Atoi(strings.TrimSpace(f[field]))
		if err != nil {
			ve.Add(field, "error.number")
		}
		return n
	}
	rowOf := map[string][]int{}
	keep := func(list string, i int) (string, bool) {
		p := view.F(list, i, "")
		code := strings.TrimSpace(f[p+"code"])
		if code == "" || f[p+"remove"] == "on" {
			return p, false
		}
		rowOf[list] = append(rowOf[list], i)
		return p, true
	}
	if view.Money() {
		s.BankAccounts = nil
		for _, i := range view.Banks {
			if p, ok := keep("bank_accounts", i); ok {
				s.BankAccounts = append(s.BankAccounts, store.BankAccount{Currency: strings.ToUpper(strings.TrimSpace(f[p+"code"])),
					Holder: strings.TrimSpace(f[p+"holder"]), Account: strings.TrimSpace(f[p+"account"]),
					BIC: strings.TrimSpace(f[p+"bic"]), Bank: strings.TrimSpace(f[p+"bank"])})
			}
		}
		s.PaymentDeadline, s.IssuerTaxID = strings.TrimSpace(f["payment_deadline"]), strings.TrimSpace(f["issuer_tax_id"])
		return s, ve, rowOf
	}
	if view.Places() {
		s.Hotels = nil
		for _, i := range view.Hotels {
			if p, ok := keep("hotels", i); ok {
				s.Hotels = append(s.Hotels, store.Hotel{Code: strings.TrimSpace(f[p+"code"]), Name: text(p + "name"),
					Address: text(p + "address"), Rooms: number(p + "rooms")})
			}
		}
		s.StudyVisits = nil
		for _, i := range view.Visits {
			if p, ok := keep("study_visits", i); ok {
				s.StudyVisits = append(s.StudyVisits, store.StudyVisit{Code: strings.TrimSpace(f[p+"code"]), Name: text(p + "name"),
					Date: strings.TrimSpace(f[p+"date"]), Capacity: number(p + "capacity")})
			}
		}
		if len(ve.Fields) > 0 { // the parse's own messages are in form numbering
			return s, ve, map[string][]int{"hotels": view.Hotels, "study_visits": view.Visits}
		}
		return s, ve, rowOf
	}
	s.Name, s.Theme, s.Organiser, s.City, s.Venue = text("name"), text("theme"), text("organiser"), text("city"), text("venue")
	s.ShortName, s.TimeZone = strings.TrimSpace(f["short_name"]), strings.TrimSpace(f["time_zone"])
	s.StartDate, s.EndDate = strings.TrimSpace(f["start_date"]), strings.TrimSpace(f["end_date"])
	s.RegistrationOpens, s.RegistrationCloses = strings.TrimSpace(f["registration_opens"]), strings.TrimSpace(f["registration_closes"])
	s.Capacity, s.OfferHours = number("capacity"), number("offer_hours")
	s.PassportRetentionDays = number("passport_retention_days")
	s.HealthRetentionDays, s.InactiveRetentionDays = number("health_retention_days"), number("inactive_retention_days")
	s.AccountingRetentionYears, s.ContactRetentionDays = number("accounting_retention_years"), number("contact_retention_days")
	s.Currency = strings.ToUpper(strings.TrimSpace(f["currency"]))
	s.SecondFactorRequired = f["second_factor_required"] == "on"
	s.NoteVerbaleFirst = f["note_verbale_first"] == "on"
	s.Signatory = store.Signatory{Name: strings.TrimSpace(f["signatory.name"]), Title: text("signatory.title")}
	s.Secretariat = store.Contact{Name: text("secretariat.name"), Address: text("secretariat.address"), Phone: f["secretariat.phone"],
		Fax: f["secretariat.fax"], Email: f["secretariat.email"], Website: f["secretariat.website"]}

	s.Categories = nil
	for _, i := range view.Categories {
		p, ok := keep("categories", i)
		if !ok {
			continue
		}
		c := store.Category{Code: strings.TrimSpace(f[p+"code"]), Name: text(p + "name"), Colour: f[p+"colour"],
			EarlyDeadline: strings.TrimSpace(f[p+"early_deadline"]), NeedsApproval: f[p+"needs_approval"] == "on",
			Restricted: f[p+"restricted"] == "on", Photo: f[p+"photo"] == "on"}
		if old, ok := cur.Category(c.Code); ok {
			c.CostsCovered = old.CostsCovered // edited through the API only
		}
		var ok1, ok2 bool
		if c.Fee, ok1 = i18n.ParseAmount(f[p+"fee"], s.Currency); !ok1 {
			ve.Add(p+"fee", "error.amount")
		}
		if c.EarlyFee, ok2 = i18n.ParseAmount(f[p+"early_fee"], s.Currency); !ok2 {
			ve.Add(p+"early_fee", "error.amount")
		}
		s.Categories = append(s.Categories, c)
	}
	if len(ve.Fields) > 0 { // the parse's own messages are in form numbering
		return s, ve, map[string][]int{"categories": view.Categories}
	}
	return s, ve, rowOf
}

// submitSignature keeps the signatory's signature from an uploaded PNG,
// or removes it.
func (h *Handler) submitSignature(c *gin.Context) {
	l := h.localizer(c)
	var image []byte
	if c.PostForm("remove") == "" {
		file, _, err := c.Request.FormFile("signature")
		if err != nil {
			var mb *http.MaxBytesError
			if errors.As(err, &mb) {
				h.flash(c, l.T("error.signature_size", store.MaxSignatureBytes>>10))
			} else {
				h.flash(c, l.T("error.signature_png"))
			}
			c.Redirect(http.StatusSeeOther, "/admin/settings#signature")
			return
		}
		defer file.Close()
		image, err = io.ReadAll(io.LimitReader(file, store.MaxSignatureBytes+1))
		if err != nil {
			h.fail(c, err)
			return
		}
	}
	err := h.db.SetSignature(c.Request.Context(), caller(c), image)
	h.afterForm(c, err, l.T("admin.settings.signature_saved"), "/admin/settings#signature")
}

// signatureImage shows the signature kept, for the settings page.
func (h *Handler) signatureImage(c *gin.Context) {
	image, err := h.db.Signature(c.Request.Context())
	if err != nil || image == nil {
		h.fail(c, cmp.Or(err, store.ErrNotFound))
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "image/png", image)
}
