package handlers

import (
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"delegate/photo"
	"delegate/store"
)

// photoErrors name why an upload is not a photo a badge can use.
var photoErrors = map[error]string{photo.ErrNotImage: "error.photo_type", photo.ErrTooSmall: "error.photo_small",
	photo.ErrTooLarge: "error.photo_large"}

// uploadedPhoto reads the form's "photo" file and cleans it (photo.Clean);
// what cannot be used is a validation error on the field.
func uploadedPhoto(c *gin.Context) ([]byte, error) {
	file, _, err := c.Request.FormFile("photo")
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return nil, &store.ValidationError{Fields: map[string]store.Message{"photo": {Key: "error.photo_size", Args: []any{photo.MaxBytes >> 20}}}}
		}
		return nil, &store.ValidationError{Fields: map[string]store.Message{"photo": {Key: "error.required"}}}
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, photo.MaxBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > photo.MaxBytes {
		return nil, &store.ValidationError{Fields: map[string]store.Message{"photo": {Key: "error.photo_size", Args: []any{photo.MaxBytes >> 20}}}}
	}
	clean, err := photo.Clean(data)
	if key, ok := photoErrors[err]; ok {
		return nil, &store.ValidationError{Fields: map[string]store.Message{"photo": {Key: key}}}
	}
	return clean, err
}

// sendPhoto answers registration id's photo, never cached.
func (h *Handler) sendPhoto(c *gin.Context, id int64) {
	p, err := h.db.Photo(c.Request.Context(), id)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "image/jpeg", p)
}

// submitMyPhoto keeps the photo a delegate uploads for their badge, where
// their category asks for one.
func (h *Handler) submitMyPhoto(c *gin.Context) {
	r, ok := h.liveByToken(c)
	if !ok {
		return
	}
	s := h.db.Settings()
	if cat, _ := s.Category(r.Category); !cat.Photo {
		h.fail(c, &store.ConflictError{Reason: "no_photo"})
		return
	}
	clean, err := uploadedPhoto(c)
	if err == nil {
		err = h.db.SetPhoto(c.Request.Context(), h.actor(c, "delegate", r.Reference), r.Reference, clean)
	}
	var ve *store.ValidationError
	if asError(err, &ve) {
		v := h.manageViewOf(c, r)
		v.Token, v.PhotoError = c.Param("token"), h.localizer(c).T(ve.Fields["photo"].Key, ve.Fields["photo"].Args...)
		h.render(c, http.StatusUnprocessableEntity, "manage", h.localizer(c).T("manage.title"), v)
		return
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/r/"+c.Param("token")+"?photo=saved")
}

func (h *Handler) myPhoto(c *gin.Context) {
	if r, ok := h.registrationByToken(c); ok {
		h.sendPhoto(c, r.ID)
	}
}

func (h *Handler) adminPhoto(c *gin.Context) {
	r, err := h.db.FindRegistration(c.Request.Context(), c.Param("reference"))
	if err == nil {
		err = h.db.Looked(c.Request.Context(), caller(c), store.AccessPhoto, r.ID, nil)
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	h.sendPhoto(c, r.ID)
}

// submitAdminPhoto keeps a photo an organiser uploads, or the desk takes
// with its camera (which asks for JSON and is answered 204).
func (h *Handler) submitAdminPhoto(c *gin.Context) {
	ref := store.NormalReference(c.Param("reference"))
	clean, err := uploadedPhoto(c)
	if err == nil {
		err = h.db.SetPhoto(c.Request.Context(), caller(c), ref, clean)
	}
	if strings.Contains(c.GetHeader("Accept"), "application/json") {
		if err != nil {
			var ve *store.ValidationError
			if asError(err, &ve) {
				l := h.localizer(c)
				c.AbortWithStatusJSON(http.StatusUnprocessableEntity, apiError{Error: l.T("register.errors"), Fields: fieldMessages(l, ve)})
				return
			}
			h.fail(c, err)
			return
		}
		c.Status(http.StatusNoContent)
		return
	}
	h.afterForm(c, err, h.localizer(c).T("admin.photo.saved"), "/admin/registrations/"+ref)
}
