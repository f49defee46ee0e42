    select
        rt1_0.id,
        rt1_0.created_at,
        rt1_0.expiry_date,
        rt1_0.revoked,
        rt1_0.token,
        rt1_0.user_id 
    from
        refresh_tokens rt1_0
@@@@
    select
        u1_0.id_user,
        u1_0.email,
        u1_0.first_name,
        u1_0.last_name,
        u1_0.password,
        u1_0.role 
    from
        users u1_0
@@@@
    insert 
    into
        users
        (email, first_name, last_name, password, role) 
    values
        (?, ?, ?, ?, ?)
@@@@
    insert 
    into
        users
        (email, first_name, last_name, password, role) 
    values
        (?, ?, ?, ?, ?)
@@@@
    select
        rt1_0.id,
        rt1_0.created_at,
        rt1_0.expiry_date,
        rt1_0.revoked,
        rt1_0.token,
        rt1_0.user_id 
    from
        refresh_tokens rt1_0
@@@@
    select
        u1_0.id_user,
        u1_0.email,
        u1_0.first_name,
        u1_0.last_name,
        u1_0.password,
        u1_0.role 
    from
        users u1_0
@@@@
    insert 
    into
        users
        (email, first_name, last_name, password, role) 
    values
        (?, ?, ?, ?, ?)
@@@@
    insert 
    into
        users
        (email, first_name, last_name, password, role) 
    values
        (?, ?, ?, ?, ?)
