    CREATE TABLE users (id INT, name VARCHAR(20))
@@@@
    INSERT 
    INTO
        users
        (id, name) 
    VALUES
        (?, ?)
@@@@
    INSERT 
    INTO
        users
        (id, name) 
    VALUES
        (?, ?)
@@@@
    SELECT
        COUNT(*) 
    FROM
        users
