package handlers

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"delegate/i18n"
	"delegate/store"
)

// delegationForm is the form of a delegation's fields (to create one, to
// edit one, to request one), with what was typed kept and the errors at
// their fields.
type delegationForm struct {
	Kinds     []option
	Countries []option
	New       map[string]string
	Errors    map[string]string
}

// delegationFields are the form's fields; focal points are addresses one
// a line (or separated by commas or spaces).
var delegationFields = []string{"name", "kind", "country", "quota", "restricted_quota", "focal_points"}

// options fills in the form's choices in l's language.
func (f *delegationForm) options(l *i18n.Localizer) {
	for _, k := range store.DelegationKinds {
		f.Kinds = append(f.Kinds, option{Value: k, Label: l.T("delegation.kind." + k)})
	}
	for _, ct := range l.Countries() {
		f.Countries = append(f.Countries, option{Value: ct.Code, Label: ct.Name})
	}
}

// read keeps the posted fields and reads them as a delegation; numbers
// that are not are errors at their fields.
func (f *delegationForm) read(c *gin.Context) (store.Delegation, *store.ValidationError) {
	f.New = map[string]string{}
	for _, k := range delegationFields {
		f.New[k] = c.PostForm(k)
	}
	d := store.Delegation{Name: f.New["name"], Kind: f.New["kind"], Country: f.New["country"],
		FocalPoints: strings.FieldsFunc(f.New["focal_points"], func(r rune) bool { return r == '\n' || r == ',' || r == '\r' || r == ' ' })}
	ve := &store.ValidationError{}
	var err error
	if d.Quota, err = strconv.Atoi(strings.TrimSpace(f.New["quota"])); err != nil {
		ve.Add("quota", "error.number")
	}
	if f.New["restricted_quota"] == "" {
		f.New["restricted_quota"] = "0"
	}
	if d.RestrictedQuota, err = strconv.Atoi(strings.TrimSpace(f.New["restricted_quota"])); err != nil {
		ve.Add("restricted_quota", "error.number")
	}
	return d, ve
}

// delegationsView is the organisers' list of delegations and the form
// that adds one.
type delegationsView struct {
	List []store.Delegation
	delegationForm
	Requests []store.DelegationRequest // waiting for an organiser's decision
}

func (h *Handler) showDelegations(c *gin.Context) {
	h.renderDelegations(c, http.StatusOK, delegationsView{delegationForm: delegationForm{New: map[string]string{"quota": "5", "restricted_quota": "0"}}})
}

func (h *Handler) renderDelegations(c *gin.Context, status int, v delegationsView) {
	l := h.localizer(c)
	list, err := h.db.Delegations(c.Request.Context())
	if err != nil {
		h.fail(c, err)
		return
	}
	if v.Requests, err = h.db.DelegationRequests(c.Request.Context(), store.RequestPending); err != nil {
		h.fail(c, err)
		return
	}
	v.List = list
	v.options(l)
	h.render(c, status, "delegations", l.T("admin.delegations.title"), v)
}

// createDelegation adds a delegation from the form.
func (h *Handler) createDelegation(c *gin.Context) {
	var v delegationsView
	d, ve := v.read(c)
	d.Language = h.localizer(c).Lang
	if ve.Err() == nil {
		created, err := h.db.CreateDelegation(c.Request.Context(), caller(c), d)
		if err == nil {
			h.flash(c, h.localizer(c).T("admin.delegations.created", created.Name))
			c.Redirect(http.StatusSeeOther, "/admin/delegations/"+strconv.FormatInt(created.ID, 10))
			return
		}
		if !asError(err, &ve) {
			h.fail(c, err)
			return
		}
	}
	v.Errors = fieldMessages(h.localizer(c), ve)
	h.renderDelegations(c, http.StatusUnprocessableEntity, v)
}

// delegationEditView is the form that edits a delegation.
type delegationEditView struct {
	D store.Delegation
	delegationForm
}

// showDelegationEdit is the form of a delegation's fields, filled in.
func (h *Handler) showDelegationEdit(c *gin.Context) {
	d, ok := h.apiDelegation(c)
	if !ok {
		return
	}
	v := delegationEditView{D: d, delegationForm: delegationForm{New: map[string]string{"name": d.Name, "kind": d.Kind,
		"country": d.Country, "quota": strconv.Itoa(d.Quota), "restricted_quota": strconv.Itoa(d.RestrictedQuota),
		"focal_points": strings.Join(d.FocalPoints, "\n")}}}
	v.options(h.localizer(c))
	h.render(c, http.StatusOK, "delegation_edit", d.Name, v)
}

// submitDelegationEdit saves a delegation's fields; a bad value comes
// back at its field with what was typed.
func (h *Handler) submitDelegationEdit(c *gin.Context) {
	old, ok := h.apiDelegation(c)
	if !ok {
		return
	}
	v := delegationEditView{D: old}
	d, ve := v.read(c)
	d.ID, d.Credentials, d.Language = old.ID, old.Credentials, h.localizer(c).Lang
	if ve.Err() == nil {
		_, err := h.db.UpdateDelegation(c.Request.Context(), caller(c), d)
		if err == nil {
			h.flash(c, h.localizer(c).T("admin.delegations.saved"))
			c.Redirect(http.StatusSeeOther, "/admin/delegations/"+strconv.FormatInt(d.ID, 10))
			return
		}
		if !asError(err, &ve) {
			h.fail(c, err)
			return
		}
	}
	v.Errors = fieldMessages(h.localizer(c), ve)
	v.options(h.localizer(c))
	h.render(c, http.StatusUnprocessableEntity, "delegation_edit", old.Name, v)
}

// delegationView is one delegation with its members.
type delegationView struct {
	D       store.Delegation
	Members []store.Registration
	Left    int               // places left of the quota
	Cats    map[string]string // category names
	Fees    delegationFees
}

func (h *Handler) showDelegation(c *gin.Context) {
	d, members, ok := h.delegationMembers(c)
	if !ok {
		return
	}
	fees, ok := h.delegationFees(c, d, members)
	if !ok {
		return
	}
	v := delegationView{D: d, Members: members, Left: max(d.Quota-d.Members, 0), Cats: map[string]string{}, Fees: fees}
	for _, cat := range h.db.Settings().Categories {
		v.Cats[cat.Code] = cat.Name.In(h.localizer(c).Lang)
	}
	h.render(c, http.StatusOK, "delegation", d.Name, v)
}

func (h *Handler) adminNote(c *gin.Context) {
	id, ok := pathID(c)
	if !ok {
		h.fail(c, store.ErrNotFound)
		return
	}
	h.sendNote(c, id)
}

// submitCredentials records the delegation's credentials as received.
func (h *Handler) submitCredentials(c *gin.Context) {
	id, ok := pathID(c)
	if !ok {
		h.fail(c, store.ErrNotFound)
		return
	}
	err := h.db.RecordCredentials(c.Request.Context(), caller(c), id, c.PostForm("credentials"), c.PostForm("credentials_at"))
	h.afterForm(c, err, h.localizer(c).T("admin.delegations.credentials_saved"), "/admin/delegations/"+strconv.FormatInt(id, 10))
}
