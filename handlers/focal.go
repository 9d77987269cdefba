package handlers

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"delegate/store"
)

// Focal points: they sign in with a link emailed to them and nominate
// their delegation's members. Every page under /focal/delegations/:id is
// for a focal point of that delegation alone; another's is a 404.

func (h *Handler) showFocalLogin(c *gin.Context) {
	h.render(c, http.StatusOK, "focal_login", h.localizer(c).T("focal.login.title"), focalLoginView{})
}

type focalLoginView struct {
	Email, Error string
	Sent         bool
	Expired      bool
}

// submitFocalLogin emails a sign-in link; the answer is the same whether
// the address is a focal point's or not.
func (h *Handler) submitFocalLogin(c *gin.Context) {
	l := h.localizer(c)
	v := focalLoginView{Email: strings.TrimSpace(c.PostForm("email"))}
	err := h.db.SendFocalLink(c.Request.Context(), v.Email, l.Lang)
	var ve *store.ValidationError
	switch {
	case asError(err, &ve):
		v.Error = fieldMessages(l, ve)["email"]
		h.render(c, http.StatusUnprocessableEntity, "focal_login", l.T("focal.login.title"), v)
	case err != nil:
		h.fail(c, err)
	default:
		v.Sent = true
		h.render(c, http.StatusOK, "focal_login", l.T("focal.login.title"), v)
	}
}

// focalAuth spends the link and signs the focal point in.
func (h *Handler) focalAuth(c *gin.Context) {
	ctx := c.Request.Context()
	email, err := h.db.UseFocalLink(ctx, c.Query("token"))
	if err != nil {
		l := h.localizer(c)
		h.render(c, http.StatusNotFound, "focal_login", l.T("focal.login.title"), focalLoginView{Expired: true})
		return
	}
	if err := h.focal.RenewToken(ctx); err != nil {
		h.fail(c, err)
		return
	}
	h.focal.Put(ctx, "focal_email", email)
	c.Redirect(http.StatusSeeOther, "/focal")
}

func (h *Handler) focalLogout(c *gin.Context) {
	if err := h.focal.Destroy(c.Request.Context()); err != nil {
		h.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/focal/login")
}

// focalPoint lets a signed-in focal point through, and under
// /focal/delegations/:id only a focal point of that delegation.
func (h *Handler) focalPoint(c *gin.Context) {
	ctx := c.Request.Context()
	email := h.focal.GetString(ctx, "focal_email")
	if email == "" {
		c.Redirect(http.StatusSeeOther, "/focal/login")
		c.Abort()
		return
	}
	if raw := c.Param("id"); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || !h.db.IsFocalPoint(ctx, email, id) {
			h.fail(c, store.ErrNotFound)
			c.Abort()
			return
		}
	}
	c.Set("focal_email", email)
	c.Set("actor", store.Actor{Kind: "focal", Name: email, Address: c.ClientIP()})
	c.Next()
}

func (h *Handler) showFocalHome(c *gin.Context) {
	list, err := h.db.FocalDelegations(c.Request.Context(), c.GetString("focal_email"))
	if err != nil {
		h.fail(c, err)
		return
	}
	if len(list) == 1 {
		c.Redirect(http.StatusSeeOther, "/focal/delegations/"+strconv.FormatInt(list[0].ID, 10))
		return
	}
	h.render(c, http.StatusOK, "focal", h.localizer(c).T("focal.title"), focalView{Email: c.GetString("focal_email"), List: list})
}

// focalView is a focal point's page: their delegations, or one with its
// members.
type focalView struct {
	Email   string
	List    []store.Delegation
	D       store.Delegation
	Members []store.Registration
	Left    int
	Cats    map[string]string
	Notice  string
	Fees    delegationFees
}

func (h *Handler) showFocalDelegation(c *gin.Context) {
	d, members, ok := h.delegationMembers(c)
	if !ok {
		return
	}
	fees, ok := h.delegationFees(c, d, members)
	if !ok {
		return
	}
	v := focalView{Email: c.GetString("focal_email"), D: d, Members: members, Left: max(d.Quota-d.Members, 0), Cats: map[string]string{},
		Notice: h.focal.PopString(c.Request.Context(), "flash"), Fees: fees}
	for _, cat := range h.db.Settings().Categories {
		v.Cats[cat.Code] = cat.Name.In(h.localizer(c).Lang)
	}
	h.render(c, http.StatusOK, "focal", d.Name, v)
}

// focalBase is the address of the delegation's page.
func focalBase(c *gin.Context) string { return "/focal/delegations/" + c.Param("id") }

// focalForm shows the registration form for a member of the delegation:
// a new one, or a substitute for the member in the path.
func (h *Handler) focalForm(c *gin.Context, status int, d store.Details, action, title string, err error) {
	l := h.localizer(c)
	f, ferr := h.newForm(c, d, nil)
	if ferr != nil {
		h.fail(c, ferr)
		return
	}
	f.Action, f.Lead = action, l.T("focal.member.lead")
	var ve *store.ValidationError
	var ce *store.ConflictError
	switch {
	case err == nil:
	case asError(err, &ve):
		f.Errors = fieldMessages(l, ve)
		f.Summary = summarize(l, f.Errors, formFields)
	case asError(err, &ce):
		key := "error." + ce.Reason
		if !l.Has(key) {
			key = "error.conflict"
		}
		f.Alert, status = l.T(key), http.StatusConflict
	default:
		h.fail(c, err)
		return
	}
	h.render(c, status, "register", title, f)
}

func (h *Handler) showFocalAdd(c *gin.Context) {
	h.focalForm(c, http.StatusOK, store.Details{Language: h.localizer(c).Lang}, focalBase(c)+"/members", h.localizer(c).T("focal.member.add"), nil)
}

func (h *Handler) submitFocalAdd(c *gin.Context) {
	d, err := formDetails(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	r, err := h.db.AddMember(c.Request.Context(), caller(c), id, d, false, 0) // head and rank are set on the delegation's page
	if err != nil {
		h.focalForm(c, http.StatusUnprocessableEntity, d, focalBase(c)+"/members", h.localizer(c).T("focal.member.add"), err)
		return
	}
	h.focal.Put(c.Request.Context(), "flash", h.localizer(c).T("focal.member.added", r.FullName(), r.Reference))
	c.Redirect(http.StatusSeeOther, focalBase(c))
}

// submitFocalRole marks the head of delegation and sets a member's rank.
func (h *Handler) submitFocalRole(c *gin.Context) {
	id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	rank, err := strconv.Atoi(strings.TrimSpace(c.PostForm("rank")))
	if err != nil {
		rank = -1
	}
	if _, err := h.db.SetMemberRole(c.Request.Context(), caller(c), id, c.Param("reference"), c.PostForm("head") == "on", rank); err != nil {
		h.fail(c, err)
		return
	}
	h.focal.Put(c.Request.Context(), "flash", h.localizer(c).T("focal.member.saved"))
	c.Redirect(http.StatusSeeOther, focalBase(c))
}

// submitFocalList leaves a member out of the published list of
// participants ("out") or puts them back ("in").
func (h *Handler) submitFocalList(c *gin.Context) {
	r, ok := h.focalMember(c)
	if !ok {
		return
	}
	choice, ok := h.listChoice(c, caller(c), r)
	if !ok {
		return
	}
	h.focal.Put(c.Request.Context(), "flash", h.localizer(c).T("focal.member.list_"+choice, r.FullName()))
	c.Redirect(http.StatusSeeOther, focalBase(c))
}

// submitFocalWithdraw cancels a member of the delegation: their place
// comes free.
func (h *Handler) submitFocalWithdraw(c *gin.Context) {
	ctx := c.Request.Context()
	r, ok := h.focalMember(c)
	if !ok || !h.confirmedThen(c, "focal.confirm.withdraw.title", "focal.confirm.withdraw.lead", "focal.member.withdraw", focalBase(c)) {
		return
	}
	if _, err := h.db.CancelRegistration(ctx, caller(c), r.Reference, h.localizer(c).T("focal.member.withdrawn_reason")); err != nil {
		h.fail(c, err)
		return
	}
	h.focal.Put(ctx, "flash", h.localizer(c).T("focal.member.withdrawn", r.FullName()))
	c.Redirect(http.StatusSeeOther, focalBase(c))
}

// focalMember is the member in the path, of the delegation in the path:
// another delegation's member is not there to see.
func (h *Handler) focalMember(c *gin.Context) (store.Registration, bool) {
	id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	r, err := h.db.FindRegistration(c.Request.Context(), c.Param("reference"))
	if err == nil && r.DelegationID != id {
		err = store.ErrNotFound
	}
	if err != nil {
		h.fail(c, err)
		return r, false
	}
	return r, true
}

func (h *Handler) showFocalSubstitute(c *gin.Context) {
	r, ok := h.focalMember(c)
	if !ok {
		return
	}
	h.focalForm(c, http.StatusOK, store.Details{Language: r.Language, Category: r.Category, InvitationLetter: r.InvitationLetter},
		c.Request.URL.Path, h.localizer(c).T("focal.member.substitute_title", r.FullName()), nil)
}

func (h *Handler) submitFocalSubstitute(c *gin.Context) {
	r, ok := h.focalMember(c)
	if !ok {
		return
	}
	d, err := formDetails(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	sub, err := h.db.Substitute(c.Request.Context(), caller(c), r.DelegationID, r.Reference, d)
	if err != nil {
		h.focalForm(c, http.StatusUnprocessableEntity, d, c.Request.URL.Path, h.localizer(c).T("focal.member.substitute_title", r.FullName()), err)
		return
	}
	h.focal.Put(c.Request.Context(), "flash", h.localizer(c).T("focal.member.substituted", sub.FullName(), r.FullName()))
	c.Redirect(http.StatusSeeOther, focalBase(c))
}

// submitFocalNote keeps the uploaded note verbale of the delegation.
func (h *Handler) submitFocalNote(c *gin.Context) {
	ctx := c.Request.Context()
	l := h.localizer(c)
	id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	var data []byte
	var name string
	file, header, err := c.Request.FormFile("note_verbale")
	if err == nil {
		defer file.Close()
		name = header.Filename
		data, err = io.ReadAll(io.LimitReader(file, store.MaxNoteBytes+1))
	}
	var mb *http.MaxBytesError
	switch {
	case errors.As(err, &mb):
		err = &store.ValidationError{Fields: map[string]store.Message{"note_verbale": {Key: "error.note_size", Args: []any{store.MaxNoteBytes >> 20}}}}
	case errors.Is(err, http.ErrMissingFile):
		err = nil // an empty upload: the store says so
	}
	if err == nil {
		err = h.db.SaveNoteVerbale(ctx, caller(c), id, name, data)
	}
	var ve *store.ValidationError
	switch {
	case asError(err, &ve):
		h.focal.Put(ctx, "flash", fieldMessages(l, ve)["note_verbale"])
	case err != nil:
		h.fail(c, err)
		return
	default:
		h.focal.Put(ctx, "flash", l.T("focal.note.saved"))
	}
	c.Redirect(http.StatusSeeOther, focalBase(c))
}

// sendNote serves a delegation's note verbale as a download, never shown
// inline.
func (h *Handler) sendNote(c *gin.Context, delegation int64) {
	n, err := h.db.FindNoteVerbale(c.Request.Context(), delegation)
	if err != nil {
		h.fail(c, err)
		return
	}
	ext := map[string]string{"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}[n.ContentType]
	c.Header("Content-Disposition", `attachment; filename="note-verbale-`+strconv.FormatInt(delegation, 10)+ext+`"`)
	c.Header("X-Content-Type-Options", "nosniff")
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, n.ContentType, n.Data)
}

func (h *Handler) focalNote(c *gin.Context) {
	id, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	h.sendNote(c, id)
}
