insert into "address" ("city", "line1", "post_code", "id") values (?, ?, ?, ?)
