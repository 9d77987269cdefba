package handlers

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"delegate/store"
)

// delegationsView is the organisers' list of delegations and the form
// that adds one, with what was typed kept.
type delegationsView struct {
	List      []store.Delegation
	Kinds     []option
	Countries []option
	New       map[string]string
	Errors    map[string]string
}

func (h *Handler) showDelegations(c *gin.Context) {
	h.renderDelegations(c, http.StatusOK, delegationsView{New: map[string]string{"quota": "5", "restricted_quota": "0"}})
}

func (h *Handler) renderDelegations(c *gin.Context, status int, v delegationsView) {
	l := h.localizer(c)
	list, err := h.db.Delegations(c.Request.Context())
	if err != nil {
		h.fail(c, err)
		return
	}
	v.List = list
	for _, k := range store.DelegationKinds {
		v.Kinds = append(v.Kinds, option{Value: k, Label: l.T("delegation.kind." + k)})
	}
	for _, ct := range l.Countries() {
		v.Countries = append(v.Countries, option{Value: ct.Code, Label: ct.Name})
	}
	h.render(c, status, "delegations", l.T("admin.delegations.title"), v)
}

// createDelegation adds a delegation from the form; focal points are
// addresses one a line (or separated by commas).
func (h *Handler) createDelegation(c *gin.Context) {
	v := delegationsView{New: map[string]string{}}
	for _, k := range []string{"name", "kind", "country", "quota", "restricted_quota", "focal_points"} {
		v.New[k] = c.PostForm(k)
	}
	d := store.Delegation{Name: v.New["name"], Kind: v.New["kind"], Country: v.New["country"], Language: h.localizer(c).Lang,
		FocalPoints: strings.FieldsFunc(v.New["focal_points"], func(r rune) bool { return r == '\n' || r == ',' || r == '\r' || r == ' ' })}
	ve := &store.ValidationError{}
	var err error
	if d.Quota, err = strconv.Atoi(strings.TrimSpace(v.New["quota"])); err != nil {
		ve.Add("quota", "error.number")
	}
	if d.RestrictedQuota, err = strconv.Atoi(strings.TrimSpace(v.New["restricted_quota"])); err != nil {
		ve.Add("restricted_quota", "error.number")
	}
	if ve.Err() == nil {
		var created store.Delegation
		created, err = h.db.CreateDelegation(c.Request.Context(), caller(c), d)
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

// delegationView is one delegation with its members.
type delegationView struct {
	D       store.Delegation
	Members []store.Registration
	Left    int               // places left of the quota
	Cats    map[string]string // category names
}

func (h *Handler) showDelegation(c *gin.Context) {
	d, members, ok := h.delegationMembers(c)
	if !ok {
		return
	}
	v := delegationView{D: d, Members: members, Left: max(d.Quota-d.Members, 0), Cats: map[string]string{}}
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
	var ve *store.ValidationError
	switch {
	case asError(err, &ve):
		for _, m := range fieldMessages(h.localizer(c), ve) {
			h.flash(c, m)
		}
	case err != nil:
		h.fail(c, err)
		return
	default:
		h.flash(c, h.localizer(c).T("admin.delegations.credentials_saved"))
	}
	c.Redirect(http.StatusSeeOther, "/admin/delegations/"+strconv.FormatInt(id, 10))
}
