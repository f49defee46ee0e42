    SELECT
        AVG(r.rating) 
    FROM
        review r 
    WHERE
        r.book_id = ?
@@@@
    update
        bookdetail 
    set
        rating=? 
    where
        book_id=?
@@@@
    select
        b1_0.book_id,
        b1_0.writers_comment,
        b1_0.book_index,
        b1_0.cover,
        b1_0.discount_rate,
        b1_0.price,
        b1_0.publication_date,
        b1_0.publisher,
        b1_0.rating,
        b1_0.subcategory_id,
        b1_0.title,
        b1_0.top_category_id,
        b1_0.writer 
    from
        bookdetail b1_0 
    where
        b1_0.book_id=? 
    limit
        ?,?
@@@@
    select
        b1_0.book_id,
        b1_0.writers_comment,
        b1_0.book_index,
        b1_0.cover,
        b1_0.discount_rate,
        b1_0.price,
        b1_0.publication_date,
        b1_0.publisher,
        b1_0.rating,
        b1_0.subcategory_id,
        b1_0.title,
        b1_0.top_category_id,
        b1_0.writer 
    from
        bookdetail b1_0 
    where
        b1_0.top_category_id=? 
        and b1_0.subcategory_id=? 
    limit
        ?,?
