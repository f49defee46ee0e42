CREATE TABLE users (id INT PRIMARY KEY, name VARCHAR(255))
@@@@
INSERT INTO users (id, name) VALUES (1, 'Alice'), (2, 'Bob')
@@@@
INSERT INTO users (id, name) VALUES (?, ?)
@@@@
SELECT id, name FROM users
