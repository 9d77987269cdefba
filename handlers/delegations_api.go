package handlers

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"delegate/store"
)

// Delegations through the API (organisers' tokens; focal points never get
// one), in the shape DESIGN.md gives.

func (h *Handler) apiDelegations(c *gin.Context) {
	list, err := h.db.Delegations(c.Request.Context())
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"delegations": list})
}

func (h *Handler) apiCreateDelegation(c *gin.Context) {
	var d store.Delegation
	if !h.decodeJSON(c, &d) {
		return
	}
	out, err := h.db.CreateDelegation(c.Request.Context(), caller(c), d)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Header("Location", "/api/v1/delegations/"+strconv.FormatInt(out.ID, 10))
	c.JSON(http.StatusCreated, out)
}

// apiDelegation is the delegation in the path, or a 404.
func (h *Handler) apiDelegation(c *gin.Context) (store.Delegation, bool) {
	id, ok := pathID(c)
	if !ok {
		h.fail(c, store.ErrNotFound)
		return store.Delegation{}, false
	}
	d, err := h.db.FindDelegation(c.Request.Context(), id)
	if err != nil {
		h.fail(c, err)
		return d, false
	}
	return d, true
}

// apiUpdateDelegation changes a delegation: fields left out of the body
// keep their values; focal_points, when given, replaces the list.
func (h *Handler) apiUpdateDelegation(c *gin.Context) {
	d, ok := h.apiDelegation(c)
	if !ok || !h.decodeJSON(c, &d) {
		return
	}
	d.ID, _ = pathID(c) // the body does not choose which
	out, err := h.db.UpdateDelegation(c.Request.Context(), caller(c), d)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

// apiCredentials records the delegation's credentials as received:
// {"credentials": "none"|"copy"|"original", "credentials_at": "YYYY-MM-DD"}.
func (h *Handler) apiCredentials(c *gin.Context) {
	d, ok := h.apiDelegation(c)
	if !ok {
		return
	}
	var in struct {
		Credentials string `json:"credentials"`
		At          string `json:"credentials_at"`
	}
	if !h.decodeJSON(c, &in) {
		return
	}
	if err := h.db.RecordCredentials(c.Request.Context(), caller(c), d.ID, in.Credentials, in.At); err != nil {
		h.fail(c, err)
		return
	}
	h.apiGetDelegation(c)
}

func (h *Handler) apiGetDelegation(c *gin.Context) {
	if d, ok := h.apiDelegation(c); ok {
		c.JSON(http.StatusOK, d)
	}
}

// delegationMembers is the delegation in the path and its members, or a
// failure answered.
func (h *Handler) delegationMembers(c *gin.Context) (store.Delegation, []store.Registration, bool) {
	d, ok := h.apiDelegation(c)
	if !ok {
		return d, nil, false
	}
	members, err := h.db.Members(c.Request.Context(), d.ID)
	if err != nil {
		h.fail(c, err)
		return d, nil, false
	}
	return d, members, true
}

func (h *Handler) apiMembers(c *gin.Context) {
	_, members, ok := h.delegationMembers(c)
	if !ok {
		return
	}
	out := make([]apiRegistration, 0, len(members))
	for _, r := range members {
		out = append(out, toAPI(r))
	}
	c.JSON(http.StatusOK, gin.H{"members": out})
}

// apiAddMember registers a member of the delegation: a registration's
// fields plus head and rank; 409 quota_full past the quota.
func (h *Handler) apiAddMember(c *gin.Context) {
	d, ok := h.apiDelegation(c)
	if !ok {
		return
	}
	var body struct {
		store.Details
		Head bool `json:"head"`
		Rank int  `json:"rank"`
	}
	if !h.decodeJSON(c, &body) {
		return
	}
	if body.Language == "" {
		body.Language = h.localizer(c).Lang
	}
	r, err := h.db.AddMember(c.Request.Context(), caller(c), d.ID, body.Details, body.Head, body.Rank)
	h.created(c, r, err)
}
