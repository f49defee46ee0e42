CREATE TABLE users(id INT, name VARCHAR(255))
@@@@
INSERT INTO users (id, name) VALUES (?, ?)
