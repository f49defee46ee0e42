CREATE TABLE users (id INT, name VARCHAR(20))
