package handlers

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"

	"delegate/store"
)

// apiRegistration is a registration as the API shows it: passport data is
// write-only and never leaves the server.
type apiRegistration struct {
	store.Registration
	ManageURL string `json:"manage_url,omitempty"`
}

func toAPI(r store.Registration) apiRegistration {
	r.PassportNumber, r.PassportExpiry, r.DateOfBirth = "", "", ""
	return apiRegistration{Registration: r}
}

// decodeJSON reads a JSON object into v; a body that is not one is a 400.
func (h *Handler) decodeJSON(c *gin.Context, v any) bool {
	dec := json.NewDecoder(c.Request.Body)
	err := dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("data after the JSON object") // one object, nothing after it
	} else if err == nil {
		if _, extra := dec.Token(); extra != io.EOF {
			err = errors.New("data after the JSON object")
		}
	}
	var mb *http.MaxBytesError
	var te *json.UnmarshalTypeError
	switch {
	case err == nil:
		return true
	case errors.As(err, &mb):
		h.fail(c, err)
	case errors.As(err, &te) && te.Field != "":
		// a field of the wrong kind, e.g. "dietary": "halal": say which
		ve := &store.ValidationError{}
		ve.Add(te.Field, "error.type")
		h.fail(c, ve)
	default:
		h.failStatus(c, http.StatusBadRequest, "error.json", nil)
	}
	return false
}

func (h *Handler) createRegistration(c *gin.Context) {
	var d store.Details
	if !h.decodeJSON(c, &d) {
		return
	}
	if d.Language == "" {
		d.Language = h.localizer(c).Lang
	}
	r, err := h.db.CreateRegistration(c.Request.Context(), h.actor(c, "delegate", "api"), d)
	h.created(c, r, err)
}

// created answers a new registration: 201 with its private link, or the
// error.
func (h *Handler) created(c *gin.Context, r store.Registration, err error) {
	if err != nil {
		h.fail(c, err)
		return
	}
	out := toAPI(r)
	out.ManageURL = h.baseURL + "/r/" + r.ManageToken
	c.Header("Location", "/api/v1/registrations/"+r.Reference)
	c.JSON(http.StatusCreated, out)
}

func (h *Handler) listRegistrations(c *gin.Context) {
	f := store.Filter{Status: c.Query("status"), Category: c.Query("category"), Country: c.Query("country"),
		Q: c.Query("q"), Page: 1, PerPage: 50, After: c.Query("after")}
	v := &store.ValidationError{}
	if f.Status != "" && !slices.Contains(store.Statuses, f.Status) {
		v.Add("status", "error.choice")
	}
	for _, p := range []struct {
		name     string
		into     *int
		min, max int
	}{{"page", &f.Page, 1, 1 << 30}, {"per_page", &f.PerPage, 1, 500}} {
		if s := c.Query(p.name); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < p.min || n > p.max {
				v.Add(p.name, "error.choice")
				continue
			}
			*p.into = n
		}
	}
	if err := v.Err(); err != nil {
		h.fail(c, err)
		return
	}
	p, err := h.db.FindPage(c.Request.Context(), f)
	if err != nil {
		h.fail(c, err)
		return
	}
	out := make([]apiRegistration, len(p.Rows))
	for i, r := range p.Rows {
		out[i] = toAPI(r)
	}
	body := gin.H{"registrations": out, "total": p.Total, "page": f.Page, "per_page": f.PerPage}
	if p.Capped {
		body["total_capped"] = true // more than total match
	}
	if p.Next != "" {
		body["next"] = p.Next // the after of the next page
	}
	c.JSON(http.StatusOK, body)
}

func (h *Handler) getRegistration(c *gin.Context) {
	r, err := h.db.FindRegistration(c.Request.Context(), c.Param("reference"))
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toAPI(r))
}

func (h *Handler) getStats(c *gin.Context) {
	st, err := h.db.Stats(c.Request.Context())
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, st)
}

func (h *Handler) getConference(c *gin.Context) {
	c.JSON(http.StatusOK, h.db.Settings())
}

// putConference changes the settings; fields left out of the body keep
// their values, and a list given replaces the whole list.
func (h *Handler) putConference(c *gin.Context) {
	s := h.db.Settings()
	if !h.decodeJSON(c, &s) {
		return
	}
	if h.db.DatesChanged(s) && c.Query("confirm") != "dates" && s.Validate() == nil {
		// new dates email every live delegate and reissue the letters: the
		// caller is told how many, and repeats the call with ?confirm=dates
		d, err := h.db.DateChangeConsequences(c.Request.Context())
		if err != nil {
			h.fail(c, err)
			return
		}
		c.JSON(http.StatusConflict, gin.H{"error": h.localizer(c).T("admin.settings.confirm_dates", d.Emailed, d.LettersReissued),
			"code": "confirm_dates", "consequences": d})
		return
	}
	out, err := h.db.UpdateSettings(c.Request.Context(), caller(c), s)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}
