package handlers

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"delegate/store"
)

// codesView is the access codes page: every code with its uses, and a
// form for a new one.
type codesView struct {
	Codes      []store.AccessCode
	Categories []option // the restricted ones
	Names      map[string]string
	BaseURL    string
	New        store.NewAccessCode
	MaxUses    string
	Errors     map[string]string
	Usable     map[int64]bool
}

func (h *Handler) showCodes(c *gin.Context) {
	h.renderCodes(c, http.StatusOK, codesView{MaxUses: "1"})
}

func (h *Handler) renderCodes(c *gin.Context, status int, v codesView) {
	l := h.localizer(c)
	s := h.db.Settings()
	codes, err := h.db.FindAccessCodes(c.Request.Context())
	if err != nil {
		h.fail(c, err)
		return
	}
	v.Codes, v.BaseURL, v.Names, v.Usable = codes, h.baseURL, map[string]string{}, map[int64]bool{}
	for _, cat := range s.Categories {
		v.Names[cat.Code] = cat.Name.In(l.Lang)
		if cat.Restricted {
			v.Categories = append(v.Categories, option{Value: cat.Code, Label: cat.Name.In(l.Lang)})
		}
	}
	for _, a := range codes {
		v.Usable[a.ID] = a.Usable(&s, h.db.Now())
	}
	h.render(c, status, "codes", l.T("admin.codes.title"), v)
}

// createCode makes an access code from the form.
func (h *Handler) createCode(c *gin.Context) {
	v := codesView{New: store.NewAccessCode{Code: c.PostForm("code"), Category: c.PostForm("category"),
		ExpiresOn: c.PostForm("expires_on"), Note: c.PostForm("note")}, MaxUses: c.PostForm("max_uses")}
	n, err := strconv.Atoi(v.MaxUses)
	if err != nil {
		n = -1
	}
	v.New.MaxUses = n
	a, err := h.db.CreateAccessCode(c.Request.Context(), caller(c), v.New)
	var ve *store.ValidationError
	if asError(err, &ve) {
		v.Errors = fieldMessages(h.localizer(c), ve)
		h.renderCodes(c, http.StatusUnprocessableEntity, v)
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	h.flash(c, h.localizer(c).T("admin.codes.created", a.Code))
	c.Redirect(http.StatusSeeOther, "/admin/codes")
}

func (h *Handler) revokeCode(c *gin.Context) {
	id, ok := pathID(c)
	if !ok {
		h.fail(c, store.ErrNotFound)
		return
	}
	if err := h.db.RevokeAccessCode(c.Request.Context(), caller(c), id); err != nil {
		h.fail(c, err)
		return
	}
	h.flash(c, h.localizer(c).T("admin.codes.revoked"))
	c.Redirect(http.StatusSeeOther, "/admin/codes")
}
