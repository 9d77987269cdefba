package store

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"strconv"
	"strings"
)

// codeSigLen is how many base32 characters of HMAC a code carries: 60
// bits, out of reach of guessing at a desk or a web form.
const codeSigLen = 12

func (db *DB) sign(purpose, text string) string {
	m := hmac.New(sha256.New, db.codeKey)
	m.Write([]byte(purpose + ":" + text))
	return base32.StdEncoding.EncodeToString(m.Sum(nil))[:codeSigLen]
}

// CheckinCode is the text of a badge's QR code: the reference, the badge
// version and a signature, in QR alphanumeric characters only, so the code
// stays small.
func (db *DB) CheckinCode(r Registration) string {
	body := r.Reference + "-" + strconv.Itoa(r.BadgeVersion)
	return body + "-" + db.sign("checkin", body)
}

// ParseCheckinCode checks a badge code's signature and returns its
// reference and badge version.
func (db *DB) ParseCheckinCode(code string) (reference string, version int, ok bool) {
	code = strings.ToUpper(strings.TrimSpace(code))
	i := strings.LastIndexByte(code, '-')
	if i < 0 {
		return "", 0, false
	}
	body, sig := code[:i], code[i+1:]
	if !hmac.Equal([]byte(sig), []byte(db.sign("checkin", body))) {
		return "", 0, false
	}
	j := strings.LastIndexByte(body, '-')
	if j < 0 {
		return "", 0, false
	}
	v, err := strconv.Atoi(body[j+1:])
	if err != nil {
		return "", 0, false
	}
	return body[:j], v, true
}

// LetterCode is the code of a letter's QR, which opens /verify/{code}.
func (db *DB) LetterCode(serial string) string { return serial + "-" + db.sign("letter", serial) }

// parseLetterCode checks a letter code and returns its serial.
func (db *DB) parseLetterCode(code string) (string, bool) {
	code = strings.ToUpper(strings.TrimSpace(code))
	i := strings.LastIndexByte(code, '-')
	if i < 0 {
		return "", false
	}
	serial := code[:i]
	return serial, hmac.Equal([]byte(code[i+1:]), []byte(db.sign("letter", serial)))
}
