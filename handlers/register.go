package handlers

import (
	"errors"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"delegate/i18n"
	"delegate/store"
)

// option is a choice in a select or a group of checkboxes.
type option struct {
	Value, Label string
	Full         bool
}

// registrationForm is what the registration and edit forms show.
type registrationForm struct {
	Action     string
	Edit       bool
	D          store.Details
	Errors     map[string]string
	Summary    []fieldError // the errors in the order of the form, named
	Alert      string       // a refusal not about one field (a delegation's quota)
	Lead       string       // replaces the new form's intro
	Titles     []option
	Categories []option
	FeeHint    string // how fees work; each category's option says what it costs now
	Countries  []i18n.Country
	Languages  []option
	GNLC       []option
	Dietary    []option
	Hotels     []option
	Visits     []option
	// PassportValidUntil is the earliest passport expiry accepted, written
	// for the reader.
	PassportValidUntil string
	TravelFrom         string
	TravelTo           string
	CategoryLocked     bool
	Closed             bool
	Unlocked           string // the category an access code opens
}

// Err returns the message for field, if any.
func (f *registrationForm) Err(field string) string { return f.Errors[field] }

// fieldError is one line of a form's error summary: the field by its
// label, and what is wrong with it.
type fieldError struct {
	ID, Line string // the field's id; its label and message
}

// formFields are the registration form's fields in the order it shows
// them; the error summary follows it.
var formFields = []string{"title", "given_names", "family_name", "badge_name", "email", "phone",
	"organisation", "job_title", "city", "country", "category", "access_code", "gnlc", "language",
	"invitation_letter", "passport_family_name", "passport_given_names", "nationality",
	"passport_number", "passport_expiry", "date_of_birth", "arrival_date", "arrival_flight",
	"departure_date", "departure_flight", "airport_transfer", "hotel", "study_visit", "dietary",
	"dietary_notes", "accessibility", "consent_privacy", "consent_photo"}

// summarize lists errors by field, in the order of fields, each named by
// its label (field.<name>); a field the list does not know comes last.
func summarize(l *i18n.Localizer, errs map[string]string, fields []string) []fieldError {
	var out []fieldError
	seen := map[string]bool{}
	add := func(name string) {
		msg, ok := errs[name]
		if !ok || seen[name] {
			return
		}
		seen[name] = true
		id := name
		if name == "dietary" { // a group of boxes, named by its label
			id = "dietary-label"
		}
		out = append(out, fieldError{ID: id, Line: l.T("form.error_line", strings.TrimRight(l.T("field."+name), "."), msg)})
	}
	for _, name := range fields {
		add(name)
	}
	for _, name := range slices.Sorted(maps.Keys(errs)) {
		add(name)
	}
	return out
}

// newForm fills the choices of the form in the page's language. current is
// the registration being edited, whose hotel and visit are never shown full.
func (h *Handler) newForm(c *gin.Context, d store.Details, current *store.Registration) (*registrationForm, error) {
	l := h.localizer(c)
	s := h.db.Settings()
	hotels, visits, err := h.db.Taken(c.Request.Context())
	if err != nil {
		return nil, err
	}
	f := &registrationForm{
		D:                  d,
		Countries:          l.Countries(),
		PassportValidUntil: l.Date(s.PassportValidUntil()),
		TravelFrom:         s.Start().AddDate(0, 0, -14).Format(store.DateLayout),
		TravelTo:           s.End().AddDate(0, 0, 14).Format(store.DateLayout),
		Closed:             !s.RegistrationOpen(h.db.Now()),
	}
	for _, t := range store.Titles {
		f.Titles = append(f.Titles, option{Value: t, Label: l.T("title." + t)})
	}
	// restricted categories only for the code that opens them, or for the
	// registration that has one already
	unlocked := h.db.UnlockedCategory(c.Request.Context(), d.AccessCode)
	for _, cat := range s.Categories {
		if cat.Restricted && cat.Code != unlocked && cat.Code != d.Category {
			continue
		}
		f.Categories = append(f.Categories, option{Value: cat.Code, Label: cat.Name.In(l.Lang)})
	}
	f.Unlocked = unlocked
	var codes []string
	for _, o := range f.Categories {
		codes = append(codes, o.Value)
	}
	f.FeeHint = l.T("fee.how")
	early := false
	for i, fee := range feeLines(l, &s, h.db.Now(), codes...) {
		f.Categories[i].Label += " — " + fee.Now
		if fee.Until != "" && !early {
			f.FeeHint, early = l.T("fee.how_early", fee.Until)+" "+f.FeeHint, true
		}
	}
	for _, lang := range i18n.Languages {
		f.Languages = append(f.Languages, option{Value: lang, Label: i18n.For(lang).T("lang.name")})
	}
	for _, g := range []string{"member", "interested"} {
		f.GNLC = append(f.GNLC, option{Value: g, Label: l.T("gnlc." + g)})
	}
	for _, x := range store.DietaryNeeds {
		f.Dietary = append(f.Dietary, option{Value: x, Label: l.T("dietary." + x)})
	}
	// the hotel and visit a live registration already holds are never full for it
	var hadHotel, hadVisit string
	if current != nil && current.Live() {
		hadHotel, hadVisit = current.Hotel, current.StudyVisit
	}
	// few places left are worth saying; many are not
	left := func(label string, n int) string {
		if n > 0 && n <= 10 {
			return label + " (" + l.T("common.places_left", n) + ")"
		}
		return label
	}
	for _, ht := range s.Hotels {
		full := hotels[ht.Code] >= ht.Rooms && ht.Code != hadHotel
		f.Hotels = append(f.Hotels, option{Value: ht.Code, Label: left(ht.Name.In(l.Lang), ht.Rooms-hotels[ht.Code]), Full: full})
	}
	for _, v := range s.StudyVisits {
		full := visits[v.Code] >= v.Capacity && v.Code != hadVisit
		label := v.Name.In(l.Lang) + " — " + l.DateString(v.Date)
		f.Visits = append(f.Visits, option{Value: v.Code, Label: left(label, v.Capacity-visits[v.Code]), Full: full})
	}
	if current != nil {
		f.CategoryLocked = current.Status == store.StatusApproved
	}
	return f, nil
}

func (h *Handler) showRegistrationForm(c *gin.Context) {
	d := store.Details{Language: h.localizer(c).Lang, Category: c.Query("category"), AccessCode: c.Query("code")}
	if cat := h.db.UnlockedCategory(c.Request.Context(), d.AccessCode); cat != "" {
		d.Category = cat
	}
	f, err := h.newForm(c, d, nil)
	if err != nil {
		h.fail(c, err)
		return
	}
	f.Action = "/register"
	h.render(c, http.StatusOK, "register", h.localizer(c).T("register.title"), f)
}

func (h *Handler) submitRegistration(c *gin.Context) {
	d, err := formDetails(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	if d.Language == "" {
		d.Language = h.localizer(c).Lang
	}
	r, err := h.db.CreateRegistration(c.Request.Context(), h.actor(c, "delegate", ""), d)
	if err != nil {
		h.formError(c, "/register", d, nil, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/r/"+r.ManageToken+"?created=1")
}

// formError shows the form again with what was typed and the messages at
// their fields (422), or fails when err is not about the fields.
func (h *Handler) formError(c *gin.Context, action string, d store.Details, current *store.Registration, err error) {
	var ve *store.ValidationError
	if !errors.As(err, &ve) {
		h.fail(c, err)
		return
	}
	f, ferr := h.newForm(c, d, current)
	if ferr != nil {
		h.fail(c, ferr)
		return
	}
	f.Action, f.Edit = action, current != nil
	f.Errors = fieldMessages(h.localizer(c), ve)
	f.Summary = summarize(h.localizer(c), f.Errors, formFields)
	title := h.localizer(c).T("register.title")
	if f.Edit {
		title = h.localizer(c).T("manage.edit.title")
	}
	h.render(c, http.StatusUnprocessableEntity, "register", title, f)
}

// formDetails reads the registration fields of a posted form.
func formDetails(c *gin.Context) (store.Details, error) {
	if err := c.Request.ParseForm(); err != nil {
		return store.Details{}, err
	}
	f := c.Request.PostForm
	on := func(name string) bool {
		switch f.Get(name) {
		case "on", "true", "1", "yes":
			return true
		}
		return false
	}
	return store.Details{
		Title:              f.Get("title"),
		GivenNames:         f.Get("given_names"),
		FamilyName:         f.Get("family_name"),
		BadgeName:          f.Get("badge_name"),
		Email:              f.Get("email"),
		Phone:              f.Get("phone"),
		Organisation:       f.Get("organisation"),
		JobTitle:           f.Get("job_title"),
		City:               f.Get("city"),
		Country:            f.Get("country"),
		GNLC:               f.Get("gnlc"),
		Category:           f.Get("category"),
		Language:           f.Get("language"),
		InvitationLetter:   on("invitation_letter"),
		Nationality:        f.Get("nationality"),
		PassportFamilyName: f.Get("passport_family_name"),
		PassportGivenNames: f.Get("passport_given_names"),
		PassportNumber:     f.Get("passport_number"),
		PassportExpiry:     f.Get("passport_expiry"),
		DateOfBirth:        f.Get("date_of_birth"),
		ArrivalDate:        f.Get("arrival_date"),
		DepartureDate:      f.Get("departure_date"),
		ArrivalFlight:      f.Get("arrival_flight"),
		DepartureFlight:    f.Get("departure_flight"),
		AirportTransfer:    on("airport_transfer"),
		Hotel:              f.Get("hotel"),
		Dietary:            f["dietary"],
		DietaryNotes:       f.Get("dietary_notes"),
		Accessibility:      f.Get("accessibility"),
		StudyVisit:         f.Get("study_visit"),
		ConsentPrivacy:     on("consent_privacy"),
		ConsentPhoto:       on("consent_photo"),
		AccessCode:         f.Get("access_code"),
	}, nil
}

// actor names who makes a change from this request.
func (h *Handler) actor(c *gin.Context, kind, name string) store.Actor {
	return store.Actor{Kind: kind, Name: name, Address: c.ClientIP()}
}
