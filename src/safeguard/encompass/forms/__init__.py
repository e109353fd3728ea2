"""The forms of the Encompass pages: each field labelled, each error naming its field."""
