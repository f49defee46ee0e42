select id, user_code, login_name, password, user_name, sex, age, phone, user_type, status, organization_code, create_name, modified_name, create_time, modified_time from um_user where id = ? 
