    select
        e1_0.id,
        e1_0.department_id,
        e1_0.email,
        e1_0.first_name,
        e1_0.hire_date,
        e1_0.last_name,
        e1_0.phone_number,
        e1_0.salary 
    from
        employees e1_0 
    join
        departments d1_0 
            on d1_0.id=e1_0.department_id 
    where
        1=1 
        and e1_0.hire_date between ? and ? 
        and e1_0.first_name like replace(?, '\\', '\\\\') 
        or 1<>1 
        or d1_0.name=? 
    order by
        e1_0.first_name desc,
        e1_0.id
